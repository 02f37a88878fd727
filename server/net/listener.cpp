#include "server/net/listener.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <utility>
#include <vector>

namespace emu::server::net {

namespace asio = boost::asio;

listener::listener(asio::io_context& ioc, std::string host, std::uint16_t port, unsigned max_connections,
                   session_factory make_session, refusal_fn refuse)
    : ioc_(ioc),
      host_(std::move(host)),
      port_(port),
      max_connections_(max_connections),
      make_session_(std::move(make_session)),
      refuse_(std::move(refuse)),
      acceptor_(asio::make_strand(ioc)),
      accept_retry_(acceptor_.get_executor()) {}

std::uint16_t listener::listen() {
    const tcp::endpoint endpoint(asio::ip::make_address(host_), port_);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    return acceptor_.local_endpoint().port();
}

void listener::start() {
    do_accept();
}

void listener::do_accept() {
    acceptor_.async_accept(asio::make_strand(ioc_), [this, self = shared_from_this()](
                                                        boost::system::error_code ec, strand_socket socket) {
        if (ec) {
            if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
            // Out of descriptors, say: retry shortly rather than spin on the failing accept.
            spdlog::warn("accept failed: {}", ec.message());
            accept_retry_.expires_after(std::chrono::milliseconds(100));
            accept_retry_.async_wait([this, self](boost::system::error_code wait_ec) {
                if (!wait_ec) do_accept();
            });
            return;
        }
        // Registering under the same lock stop() snapshots with: a connection accepted while stopping is
        // either in the snapshot (and shut down) or sees stopping_ and is closed here.
        std::unique_lock lock(registry_->mutex_);
        if (registry_->stopping_) {
            boost::system::error_code ignored;
            socket.close(ignored);
            return;
        }
        if (registry_->sessions_.size() >= max_connections_) {
            lock.unlock();
            spdlog::warn("connection refused: {} connections open (--max-connections)", max_connections_);
            refuse_(std::move(socket));
        } else {
            auto s = make_session_(std::move(socket));
            registry_->sessions_.insert(s);
            lock.unlock();
            s->start();
        }
        do_accept();
    });
}

// Called from a session's destructor, when its own entry has already expired. Only expired entries are
// dropped: locking a live entry here could make this thread the last owner of another session, whose
// destructor would then re-enter this function under the same lock.
void session_registry::forget() {
    std::lock_guard lock(mutex_);
    std::erase_if(sessions_, [](const std::weak_ptr<session>& w) { return w.expired(); });
}

void listener::stop() {
    asio::post(acceptor_.get_executor(), [this, self = shared_from_this()] {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        accept_retry_.cancel();
    });
    std::vector<std::shared_ptr<session>> live;
    {
        std::lock_guard lock(registry_->mutex_);
        registry_->stopping_ = true;
        for (const auto& w : registry_->sessions_) {
            if (auto s = w.lock()) live.push_back(std::move(s));
        }
    }
    for (const auto& s : live) s->shutdown();
}

}  // namespace emu::server::net
