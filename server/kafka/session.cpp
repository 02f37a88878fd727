#include "server/kafka/session.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace emu::server::kafka {

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

// The listener's context with this connection's two ends, which ListTopicProducers shows.
template <class Socket>
std::shared_ptr<const emu::kafka::connection_context> with_endpoints(
    const emu::kafka::connection_context& shared, const Socket& socket) {
    auto own = std::make_shared<emu::kafka::connection_context>(shared);
    own->splice_stored = true;  // finish() writes the stored bytes from where they lie
    beast::error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    if (!ec) {
        const auto host = peer.address().to_string();
        own->peer_address =
            (peer.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(peer.port());
    }
    const auto local = socket.local_endpoint(ec);
    if (!ec) own->local_port = local.port();
    return own;
}

class kafka_session : public net::session, public std::enable_shared_from_this<kafka_session> {
  public:
    kafka_session(net::strand_socket&& socket, std::shared_ptr<net::session_registry> owner,
                  std::shared_ptr<const emu::kafka::connection_context> connection,
                  const session_limits& limits)
        : stream_(std::move(socket)),
          wait_timer_(stream_.get_executor()),
          delay_timer_(stream_.get_executor()),
          owner_(std::move(owner)),
          connection_(with_endpoints(*connection, stream_.socket())),
          limits_(limits) {
        if (connection_->observer)
            connection_->observer->connection_opened(connection_->project_id, connection_->instance_id);
    }

    ~kafka_session() override {
        cancel_wait();
        if (connection_->observer)
            connection_->observer->connection_closed(connection_->project_id, connection_->instance_id);
        owner_->forget();
    }

    void start() override {
        asio::dispatch(stream_.get_executor(),
                       beast::bind_front_handler(&kafka_session::read_size, shared_from_this()));
    }

    void shutdown() override {
        asio::post(stream_.get_executor(), [self = shared_from_this()] {
            self->closing_ = true;
            self->wait_timer_.cancel();   // a waiting Fetch answers now with what there is
            self->delay_timer_.cancel();  // a delayed answer goes now
            if (!self->busy_) self->close();
        });
    }

  private:
    void read_size() {
        if (closing_) return close();
        busy_ = false;
        stream_.expires_after(limits_.idle_timeout);
        asio::async_read(stream_, asio::buffer(size_bytes_),
                         beast::bind_front_handler(&kafka_session::on_size, shared_from_this()));
    }

    void on_size(beast::error_code ec, std::size_t) {
        if (ec) return close();
        busy_ = true;
        std::uint32_t size = 0;
        for (const auto b : size_bytes_) size = (size << 8) | b;
        if (size > limits_.max_request_bytes || size > static_cast<std::uint32_t>(INT32_MAX)) {
            spdlog::warn("kafka: a request of {} bytes is over the limit of {}; closing the connection", size,
                         limits_.max_request_bytes);
            return close();
        }
        frame_.resize(size);
        stream_.expires_after(limits_.read_timeout);
        asio::async_read(stream_, asio::buffer(frame_),
                         beast::bind_front_handler(&kafka_session::on_frame, shared_from_this()));
    }

    void on_frame(beast::error_code ec, std::size_t) {
        if (ec) return close();
        stream_.expires_never();
        deadline_.reset();
        serve(false);
    }

    // Dispatches the frame read; `final_attempt` once a Fetch's wait is over. The first attempt at a frame
    // is the one a fault rule may delay: its answer then waits on the timer, never on the thread.
    void serve(bool final_attempt) {
        const bool first_attempt = !deadline_;
        auto result = emu::kafka::dispatch(*connection_, frame_, final_attempt || closing_, first_attempt);
        if (first_attempt) delay_ = result.delay;
        if (result.wait) return wait(*result.wait);
        if (result.deferred) return await_answer(std::move(result.deferred));
        if (delay_.count() > 0 && !closing_) {
            delay_timer_.expires_after(std::exchange(delay_, std::chrono::milliseconds(0)));
            delay_timer_.async_wait([self = shared_from_this(), result = std::move(result)](
                                        beast::error_code) mutable { self->finish(std::move(result)); });
            return;
        }
        finish(std::move(result));
    }

    // Sends the answer, if any, then closes or reads the next request.
    void finish(emu::kafka::outcome result) {
        if (result.frame.empty()) {
            if (result.close) return close();
            return read_size();
        }
        answer_ = std::move(result.frame);
        // One gathered write: the frame's own bytes around the stored ones, which splices_ keeps valid.
        splices_ = std::move(result.splices);
        buffers_.clear();
        std::size_t at = 0;
        for (const auto& s : splices_) {
            if (s.at > at) buffers_.emplace_back(answer_.data() + at, s.at - at);
            buffers_.emplace_back(s.bytes.data(), s.bytes.size());
            at = s.at;
        }
        if (at < answer_.size()) buffers_.emplace_back(answer_.data() + at, answer_.size() - at);
        close_after_write_ = result.close;
        stream_.expires_after(limits_.read_timeout);
        asio::async_write(stream_, buffers_,
                          beast::bind_front_handler(&kafka_session::on_write, shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t) {
        splices_.clear();  // the stored bytes are out: their chunks may go
        if (ec || close_after_write_) return close();
        read_size();
    }

    // Waits until an append anywhere in the cluster or the deadline, whichever is first, then serves the
    // frame again.
    void wait(std::chrono::milliseconds max_wait) {
        const auto now = std::chrono::steady_clock::now();
        if (!deadline_) deadline_ = now + max_wait;
        if (now >= *deadline_) return serve(true);
        std::shared_ptr<state::kafka_cluster> cluster;
        try {
            cluster = connection_->store.cluster(connection_->project_id, connection_->instance_id);
        } catch (const std::exception&) {
            return serve(true);
        }
        std::weak_ptr<kafka_session> weak = shared_from_this();
        const auto executor = stream_.get_executor();
        waiting_cluster_ = cluster;
        wait_id_ = cluster->wait_for_append([weak, executor] {
            asio::post(executor, [weak] {
                if (auto self = weak.lock()) self->wait_timer_.cancel();
            });
        });
        wait_timer_.expires_at(*deadline_);
        wait_timer_.async_wait([self = shared_from_this()](beast::error_code) {
            self->cancel_wait();
            self->serve(std::chrono::steady_clock::now() >= *self->deadline_);
        });
    }

    // Waits, on the timer and never on the thread, for an answer another request or a timeout completes
    // (a JoinGroup waiting for its group). A server shutdown cancels the wait and closes.
    void await_answer(std::shared_ptr<emu::kafka::deferred_answer> answer) {
        // The answer may come from a timer or another member long after; it holds only a weak reference
        // (no executor: the state, and the coordinator holding this, outlive the event loop at exit).
        std::weak_ptr<kafka_session> weak = shared_from_this();
        deferred_frame_.reset();
        wait_timer_.expires_at(std::chrono::steady_clock::time_point::max());
        wait_timer_.async_wait([self = shared_from_this()](beast::error_code) {
            if (!self->deferred_frame_) return self->close();
            emu::kafka::outcome result;
            result.frame = std::move(*self->deferred_frame_);
            self->deferred_frame_.reset();
            self->finish(std::move(result));
        });
        answer->on_ready([weak](std::string frame) {
            auto self = weak.lock();
            if (!self) return;
            const auto executor = self->stream_.get_executor();
            asio::post(executor, [self = std::move(self), frame = std::move(frame)]() mutable {
                self->deferred_frame_ = std::move(frame);
                self->wait_timer_.cancel();
            });
        });
    }

    void cancel_wait() {
        if (auto cluster = waiting_cluster_.lock(); cluster && wait_id_ != 0) cluster->cancel_wait(wait_id_);
        wait_id_ = 0;
        waiting_cluster_.reset();
    }

    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(net::tcp::socket::shutdown_both, ignored);
        stream_.socket().close(ignored);
    }

    net::strand_stream stream_;
    net::strand_timer wait_timer_;
    net::strand_timer delay_timer_;  // a fault rule's delay, apart from the Fetch wait's notices
    std::shared_ptr<net::session_registry> owner_;
    std::shared_ptr<const emu::kafka::connection_context> connection_;
    session_limits limits_;

    std::array<unsigned char, 4> size_bytes_{};
    std::string frame_;
    std::string answer_;
    std::vector<emu::kafka::protocol::spliced_bytes> splices_;  // of answer_, held until it is written
    std::vector<asio::const_buffer> buffers_;
    bool close_after_write_ = false;
    bool busy_ = false;     // a request is being read, served or answered
    bool closing_ = false;  // the server is stopping: close once the current answer is out
    std::optional<std::chrono::steady_clock::time_point> deadline_;  // of the Fetch being waited on
    std::chrono::milliseconds delay_{0};  // a fault rule's, for the frame being served
    std::weak_ptr<state::kafka_cluster> waiting_cluster_;
    std::optional<std::string> deferred_frame_;  // a deferred answer, once it came
    std::uint64_t wait_id_ = 0;
};

}  // namespace

std::shared_ptr<net::session> make_session(net::strand_socket&& socket,
                                           std::shared_ptr<net::session_registry> owner,
                                           std::shared_ptr<const emu::kafka::connection_context> connection,
                                           const session_limits& limits) {
    return std::make_shared<kafka_session>(std::move(socket), std::move(owner), std::move(connection),
                                           limits);
}

}  // namespace emu::server::kafka
