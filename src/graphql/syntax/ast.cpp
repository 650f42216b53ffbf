#include "fraiseql/graphql/ast.hpp"

#include "graphql/syntax/document_storage.hpp"

namespace fraiseql::graphql {

// Copying a type reference copies the chain of wrappers; the chain is at most
// parse_limits::max_depth long, and the copy is iterative so it cannot overflow the stack.
type_ref::type_ref(const type_ref& other) : kind(other.kind), name(other.name), loc(other.loc) {
    type_ref* dst = this;
    const type_ref* src = &other;
    while (src->of) {
        dst->of = std::make_unique<type_ref>();
        dst = dst->of.get();
        src = src->of.get();
        dst->kind = src->kind;
        dst->name = src->name;
        dst->loc = src->loc;
    }
}

type_ref& type_ref::operator=(const type_ref& other) {
    if (this != &other) {
        type_ref copy(other);
        *this = std::move(copy);
    }
    return *this;
}

std::string_view type_ref::named_type() const noexcept {
    const type_ref* t = this;
    while (t->of) {
        t = t->of.get();
    }
    return t->name;
}

std::string_view document::source() const noexcept {
    return storage_ ? std::string_view(storage_->source) : std::string_view();
}

} // namespace fraiseql::graphql
