#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include "state/timers.hpp"

namespace emu::server::net {

// The state's timers (the group coordinators' session and rebalance timeouts) as asio timers on the
// server's event loop: a timer costs a waiting operation, never a thread. shutdown() cancels every timer
// and refuses new ones, so that the loop can run out of work when the server stops.
class asio_timers final : public state::timer_service, public std::enable_shared_from_this<asio_timers> {
  public:
    explicit asio_timers(boost::asio::io_context& ioc) : ioc_(ioc) {}

    std::uint64_t schedule(std::chrono::milliseconds after, std::function<void()> fire) override;
    void cancel(std::uint64_t id) override;
    void shutdown();

  private:
    boost::asio::io_context& ioc_;
    std::mutex mutex_;  // guards the members below
    std::map<std::uint64_t, std::shared_ptr<boost::asio::steady_timer>> timers_;
    std::uint64_t next_ = 1;
    bool stopped_ = false;
};

}  // namespace emu::server::net
