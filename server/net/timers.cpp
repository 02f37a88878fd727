#include "server/net/timers.hpp"

#include <utility>

namespace emu::server::net {

// Every operation on a timer object happens under mutex_, so a cancel from another thread never races the
// async_wait that started it.
std::uint64_t asio_timers::schedule(std::chrono::milliseconds after, std::function<void()> fire) {
    std::lock_guard lock(mutex_);
    const std::uint64_t id = next_++;
    if (stopped_) return id;
    auto timer = std::make_shared<boost::asio::steady_timer>(ioc_);
    timer->expires_after(after);
    std::weak_ptr<asio_timers> weak = weak_from_this();
    timer->async_wait([weak, id, fire = std::move(fire)](const boost::system::error_code& ec) {
        if (ec) return;
        auto self = weak.lock();
        if (!self) return;
        {
            std::lock_guard held(self->mutex_);
            // Cancelled after it expired but before this ran: it must not fire.
            if (self->timers_.erase(id) == 0) return;
        }
        fire();
    });
    timers_.emplace(id, std::move(timer));
    return id;
}

void asio_timers::cancel(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    const auto it = timers_.find(id);
    if (it == timers_.end()) return;
    it->second->cancel();
    timers_.erase(it);
}

void asio_timers::shutdown() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    for (auto& [id, timer] : timers_) timer->cancel();
    timers_.clear();
}

}  // namespace emu::server::net
