#include "cpu_worker.hpp"

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/steady_timer.hpp>

namespace fraiseql::exec {

cpu_worker::cpu_worker() {
    // The worker yields the core to the I/O threads (a nicer thread loses to them under
    // CFS whenever both are runnable), so a large document's planning does not delay
    // small requests even when the machine's cores are busy. Linux: per-thread nice.
    boost::asio::post(pool_, [] {
        (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
    });
}

cpu_worker::~cpu_worker() { pool_.join(); }

bool cpu_worker::try_claim() noexcept {
    if (pending_.fetch_add(1) >= max_pending) {
        --pending_;
        return false;
    }
    return true;
}

void cpu_worker::schedule_trim() {
    if (trim_scheduled_.exchange(true)) return;
    auto t = std::make_shared<boost::asio::steady_timer>(pool_.get_executor(),
                                                         std::chrono::milliseconds(50));
    t->async_wait([this, t](const boost::system::error_code&) {
        trim_scheduled_ = false;
        malloc_trim(0);
    });
}

} // namespace fraiseql::exec
