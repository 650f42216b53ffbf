#pragma once
/// \file
/// A small `result<T, E>` (errors as values) until the toolchain has std::expected.

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace fraiseql {

/// Wraps an error value so that `result<T, E>` can be built from it unambiguously.
template <class E> struct failure {
    E error;
};
template <class E> failure(E) -> failure<E>;

/// Either a value of type T or an error of type E. Never throws on access in
/// release builds; accessing the wrong alternative is a bug (asserted).
template <class T, class E> class [[nodiscard]] result {
public:
    using value_type = T;
    using error_type = E;

    template <class U = T, class = std::enable_if_t<std::is_constructible_v<T, U&&>>>
    result(U&& v) : v_(std::in_place_index<0>, std::forward<U>(v)) {} // NOLINT implicit
    template <class G> result(failure<G> f) : v_(std::in_place_index<1>, std::move(f.error)) {}

    bool has_value() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & { assert(has_value()); return *std::get_if<0>(&v_); }
    const T& value() const& { assert(has_value()); return *std::get_if<0>(&v_); }
    T&& value() && { assert(has_value()); return std::move(*std::get_if<0>(&v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(value()); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    E& error() & { assert(!has_value()); return *std::get_if<1>(&v_); }
    const E& error() const& { assert(!has_value()); return *std::get_if<1>(&v_); }
    E&& error() && { assert(!has_value()); return std::move(*std::get_if<1>(&v_)); }

private:
    std::variant<T, E> v_;
};

/// `result<void, E>`: success or an error.
template <class E> class [[nodiscard]] result<void, E> {
public:
    result() = default;
    template <class G> result(failure<G> f) : e_(std::move(f.error)), ok_(false) {}

    bool has_value() const noexcept { return ok_; }
    explicit operator bool() const noexcept { return ok_; }
    void value() const { assert(ok_); }

    E& error() & { assert(!ok_); return e_; }
    const E& error() const& { assert(!ok_); return e_; }
    E&& error() && { assert(!ok_); return std::move(e_); }

private:
    E e_{};
    bool ok_ = true;
};

} // namespace fraiseql
