#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "routes/router.hpp"
#include "server/config.hpp"
#include "state/state.hpp"

namespace emu::server {

class session;

// Beast HTTP/1.1 server: one strand per connection, keep-alive, a pool of threads running one io_context.
// Knows nothing of DMS or DIS: every request goes to the router.
class http_server {
public:
    http_server(const config& settings, const routes::router& router, state::state& st);
    ~http_server();
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    // Binds and listens; returns the port (useful with port 0).
    std::uint16_t listen();
    // Starts the worker threads; returns at once.
    void start();
    // Stops accepting, lets in-flight requests finish, closes idle connections, joins the workers.
    void stop();
    // Blocks until SIGINT or SIGTERM, then stops.
    void run_until_signal();

    // Drops the entries of sessions that have ended.
    void forget();

private:
    void do_accept();

    config settings_;
    const routes::router& router_;
    state::state& state_;

    // Declared before ioc_ so they outlive it: sessions still queued in the io_context when it is destroyed
    // call forget() from their destructors.
    std::mutex sessions_mutex_;  // guards sessions_ and stopping_
    std::set<std::weak_ptr<session>, std::owner_less<std::weak_ptr<session>>> sessions_;
    bool stopping_ = false;  // once set, newly accepted connections are closed instead of served

    boost::asio::io_context ioc_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer accept_retry_;  // on the acceptor's strand
    std::vector<std::thread> workers_;
    bool stopped_ = false;  // touched only by the thread calling start/stop
};

}  // namespace emu::server
