#include "server/http_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <chrono>
#include <condition_variable>
#include <optional>
#include <random>

#include "server/request_conversion.hpp"

namespace emu::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// A connection's I/O objects name their strand's type: with the type-erased any_io_executor, every
// operation paid for copying, moving and destroying an erased executor.
using strand_type = net::strand<net::io_context::executor_type>;
using strand_socket = tcp::socket::rebind_executor<strand_type>::other;
using strand_stream = beast::basic_stream<tcp, strand_type>;
using strand_timer = net::basic_waitable_timer<std::chrono::steady_clock, net::wait_traits<std::chrono::steady_clock>, strand_type>;

std::string new_request_id() {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    static constexpr char hex[] = "0123456789abcdef";
    std::string id(32, '0');
    for (std::size_t i = 0; i < id.size(); i += 16) {
        std::uint64_t bits = engine();
        for (std::size_t j = 0; j < 16; ++j, bits >>= 4) id[i + j] = hex[bits & 0xf];
    }
    return id;
}

routes::response transport_error(unsigned status, const char* message, const std::string& request_id) {
    return routes::error_response(routes::gateway_error(status, "APIGW.0201", message), request_id);
}

// The status line and header fields of an answer. Written by hand because Beast's generic serializer
// cost more instructions than the rest of a small request's handling; the bytes are the same as
// http::response with prepare_payload() would send.
std::string response_head(const routes::response& answer, const std::string& request_id, bool keep_alive) {
    const std::string_view reason = http::obsolete_reason(http::int_to_status(answer.status));
    std::string head;
    head.reserve(128 + answer.content_type.size());
    head.append("HTTP/1.1 ").append(std::to_string(answer.status)).append(" ").append(reason).append("\r\n");
    head.append("X-Request-Id: ").append(request_id).append("\r\n");
    if (!answer.content_type.empty()) head.append("Content-Type: ").append(answer.content_type).append("\r\n");
    if (!keep_alive) head.append("Connection: close\r\n");
    head.append("Content-Length: ").append(std::to_string(answer.body.size())).append("\r\n");
    head.append("\r\n");
    return head;
}

// One connection over --max-connections: answered 429 in the gateway's throttling format, then closed. The
// client's request is drained (briefly) before closing so the kernel does not reset the connection under
// the answer.
class connection_refusal : public std::enable_shared_from_this<connection_refusal> {
public:
    connection_refusal(tcp::socket&& socket, unsigned limit) : stream_(std::move(socket)) {
        const auto id = new_request_id();
        auto answer = routes::error_response(
            routes::gateway_error(429, "APIGW.0308",
                                  "The throttling threshold has been reached: too many connections, limit:" +
                                      std::to_string(limit)),
            id);
        response_.version(11);
        response_.result(answer.status);
        response_.set("X-Request-Id", id);
        response_.set(http::field::content_type, answer.content_type);
        response_.body() = std::move(answer.body);
        response_.keep_alive(false);
        response_.prepare_payload();
    }

    void start() {
        stream_.expires_after(drain_time);
        http::async_write(stream_, response_, beast::bind_front_handler(&connection_refusal::on_write, shared_from_this()));
    }

private:
    static constexpr std::chrono::seconds drain_time{2};

    void on_write(beast::error_code ec, std::size_t) {
        if (ec) return;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        drain();
    }

    void drain() {
        stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, std::size_t) {
            self->buffer_.clear();
            if (!ec) self->drain();
        });
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    http::response<http::string_body> response_;
};

}  // namespace

class session : public std::enable_shared_from_this<session> {
public:
    session(strand_socket&& socket, http_server& owner, const config& settings, const routes::router& router,
            state::state& st)
        : stream_(std::move(socket)),
          fault_timer_(stream_.get_executor()),
          owner_(owner),
          settings_(settings),
          router_(router),
          state_(st) {}

    ~session() { owner_.forget(); }

    void start() { net::dispatch(stream_.get_executor(), beast::bind_front_handler(&session::do_read, shared_from_this())); }

    // Runs on the strand: an idle connection closes now, a busy one after its answer is written.
    void shutdown() {
        net::post(stream_.get_executor(), [self = shared_from_this()] {
            self->closing_ = true;
            self->fault_timer_.cancel();  // an injected delay ends now; the answer still goes out
            if (!self->busy_) {
                beast::error_code ignored;
                self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
                self->stream_.socket().close(ignored);
            }
        });
    }

private:
    // Waits, up to the idle timeout, for the next request to start; its first bytes start the read timeout.
    void do_read() {
        if (closing_) return close();
        parser_.emplace();
        parser_->body_limit(settings_.body_limit);
        parser_->header_limit(settings_.header_limit);
        if (buffer_.size() > 0) return on_request_start();  // a pipelined request has already begun
        stream_.expires_after(settings_.idle_timeout);
        stream_.async_read_some(buffer_.prepare(first_read_size),
                                beast::bind_front_handler(&session::on_first_bytes, shared_from_this()));
    }

    void on_first_bytes(beast::error_code ec, std::size_t bytes) {
        // End of stream, idle timeout, reset or shutdown: there is no request to answer.
        if (ec) return close();
        buffer_.commit(bytes);
        on_request_start();
    }

    // The whole request must arrive within one read timeout of its first byte, however slowly it trickles
    // in. Most requests arrive whole in their first read: they are parsed straight from the buffer, and
    // Beast's composed reads run only for the bytes still to come.
    void on_request_start() {
        read_deadline_ = std::chrono::steady_clock::now() + settings_.read_timeout;
        if (const auto ec = parse_buffered(false)) return on_read(ec, 0);
        if (parser_->is_header_done()) return on_header({}, 0);
        stream_.expires_at(read_deadline_);
        http::async_read_header(stream_, buffer_, *parser_, beast::bind_front_handler(&session::on_header, shared_from_this()));
    }

    void on_header(beast::error_code ec, std::size_t bytes) {
        if (ec) return on_read(ec, bytes);
        if (parser_->get().target().size() > settings_.url_limit) {
            // The body was not read, so the connection cannot carry another request.
            keep_alive_ = false;
            const auto id = new_request_id();
            return send(transport_error(414, "Request URI too large.", id), id, "-", "-",
                        std::chrono::steady_clock::now());
        }
        if (const auto parse_ec = parse_buffered(true)) return on_read(parse_ec, 0);
        if (parser_->is_done()) return on_read({}, bytes);
        stream_.expires_at(read_deadline_);
        http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&session::on_read, shared_from_this()));
    }

    // Feeds the buffered bytes to the parser, up to the end of the header or (with the body) of the
    // request, as Beast's own reads would; the bytes it used leave the buffer. Running out of bytes is not
    // an error: the caller reads more.
    beast::error_code parse_buffered(bool with_body) {
        parser_->eager(with_body);
        beast::error_code ec;
        while (buffer_.size() > 0 && !(with_body ? parser_->is_done() : parser_->is_header_done())) {
            const std::size_t used = parser_->put(buffer_.data(), ec);
            buffer_.consume(used);
            if (ec == http::error::need_more) return {};
            if (ec) return ec;
            if (used == 0) break;
        }
        return {};
    }

    void on_read(beast::error_code ec, std::size_t) {
        if (ec == http::error::end_of_stream || ec == net::error::operation_aborted || ec == beast::error::timeout ||
            ec == net::error::connection_reset || ec == net::error::eof) {
            return close();
        }
        const auto started = std::chrono::steady_clock::now();
        if (ec) {
            // The stream cannot be trusted after a parse failure: answer once, then close.
            keep_alive_ = false;
            const auto id = new_request_id();
            const auto answer = ec == http::error::body_limit     ? transport_error(413, "Request entity too large.", id)
                                : ec == http::error::header_limit ? transport_error(494, "Request headers too large.", id)
                                                                  : transport_error(400, "API request error.", id);
            return send(answer, id, "-", "-", started);
        }
        busy_ = true;
        auto request = parser_->release();
        keep_alive_ = request.keep_alive() && !closing_;
        auto ctx = to_request_context(std::move(request), new_request_id());
        auto answer = router_.dispatch(ctx, state_);
        const auto handled = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
        routes::record_exchange(router_, ctx, answer, static_cast<std::uint64_t>(handled.count()));
        if (answer.drop || answer.delay.count() > 0) {
            return act_on_fault(std::move(answer), std::move(ctx.request_id), std::move(ctx.method), std::move(ctx.target),
                                started);
        }
        send(std::move(answer), ctx.request_id, ctx.method, ctx.target, started);
    }

    // A fault rule's transport actions: wait on this strand's timer (never a worker's sleep), then answer or
    // close the connection without a word.
    void act_on_fault(routes::response answer, std::string request_id, std::string method, std::string target,
                      std::chrono::steady_clock::time_point started) {
        fault_timer_.expires_after(answer.delay);
        fault_timer_.async_wait([self = shared_from_this(), answer = std::move(answer), request_id = std::move(request_id),
                                 method = std::move(method), target = std::move(target), started](beast::error_code) mutable {
            if (answer.drop) {
                spdlog::info("{} {} {} dropped by fault rule {}", request_id, method, routes::redacted_target(target), answer.fault_id);
                self->busy_ = false;
                return self->close();
            }
            self->send(std::move(answer), request_id, method, target, started);
        });
    }

    void send(routes::response answer, const std::string& request_id, const std::string& method, const std::string& target,
              std::chrono::steady_clock::time_point started) {
        busy_ = true;
        out_head_ = response_head(answer, request_id, keep_alive_);
        out_body_ = std::move(answer.body);
        stream_.expires_after(settings_.read_timeout);  // a client that does not read its answer is cut off too
        if (spdlog::should_log(spdlog::level::info)) {
            const auto micros =
                std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
            spdlog::info("{} {} {} {} {}B {}us", request_id, method, routes::redacted_target(target), answer.status,
                         out_body_.size(), micros);
        }
        const std::array<net::const_buffer, 2> buffers{net::buffer(out_head_), net::buffer(out_body_)};
        net::async_write(stream_, buffers, beast::bind_front_handler(&session::on_write, shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t) {
        busy_ = false;
        if (ec || !keep_alive_ || closing_) return close();
        do_read();
    }

    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.socket().close(ignored);
    }

    static constexpr std::size_t first_read_size = 4096;

    strand_stream stream_;
    strand_timer fault_timer_;  // injected delays
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::chrono::steady_clock::time_point read_deadline_;  // the current request's whole read
    std::string out_head_;  // the answer being written
    std::string out_body_;
    http_server& owner_;
    const config& settings_;
    const routes::router& router_;
    state::state& state_;
    // Touched only on this session's strand.
    bool keep_alive_ = true;
    bool busy_ = false;
    bool closing_ = false;
};

http_server::http_server(const config& settings, const routes::router& router, state::state& st)
    : settings_(settings), router_(router), state_(st), ioc_(static_cast<int>(settings.threads)), acceptor_(net::make_strand(ioc_)),
      accept_retry_(acceptor_.get_executor()) {}

http_server::~http_server() { stop(); }

std::uint16_t http_server::listen() {
    const tcp::endpoint endpoint(net::ip::make_address(settings_.host), settings_.port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
    return acceptor_.local_endpoint().port();
}

void http_server::start() {
    // spdlog builds its registry on first use; build it here, before the workers log concurrently, so its
    // construction happens on one thread (ThreadSanitizer cannot see the guard inside the shared library).
    spdlog::default_logger_raw();
    do_accept();
    workers_.reserve(settings_.threads);
    for (unsigned i = 0; i < settings_.threads; ++i) workers_.emplace_back([this] { ioc_.run(); });
}

void http_server::do_accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, strand_socket socket) {
        if (ec) {
            if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
            // Out of descriptors, say: retry shortly rather than spin on the failing accept.
            spdlog::warn("accept failed: {}", ec.message());
            accept_retry_.expires_after(std::chrono::milliseconds(100));
            accept_retry_.async_wait([this](beast::error_code wait_ec) {
                if (!wait_ec) do_accept();
            });
            return;
        }
        // Registering under the same lock stop() snapshots with: a connection accepted while stopping is
        // either in the snapshot (and shut down) or sees stopping_ and is closed here.
        std::unique_lock lock(sessions_mutex_);
        if (stopping_) {
            beast::error_code ignored;
            socket.close(ignored);
            return;
        }
        if (sessions_.size() >= settings_.max_connections) {
            lock.unlock();
            spdlog::warn("connection refused: {} connections open (--max-connections)", settings_.max_connections);
            std::make_shared<connection_refusal>(std::move(socket), settings_.max_connections)->start();
        } else {
            auto s = std::make_shared<session>(std::move(socket), *this, settings_, router_, state_);
            sessions_.insert(s);
            lock.unlock();
            s->start();
        }
        do_accept();
    });
}

// Called from a session's destructor, when its own entry has already expired. Only expired entries are
// dropped: locking a live entry here could make this thread the last owner of another session, whose
// destructor would then re-enter this function under the same lock.
void http_server::forget() {
    std::lock_guard lock(sessions_mutex_);
    std::erase_if(sessions_, [](const std::weak_ptr<session>& w) { return w.expired(); });
}

void http_server::stop() {
    if (stopped_ || workers_.empty()) return;
    stopped_ = true;
    net::post(acceptor_.get_executor(), [this] {
        beast::error_code ignored;
        acceptor_.close(ignored);
        accept_retry_.cancel();
    });
    std::vector<std::shared_ptr<session>> live;
    {
        std::lock_guard lock(sessions_mutex_);
        stopping_ = true;
        for (const auto& w : sessions_) {
            if (auto s = w.lock()) live.push_back(std::move(s));
        }
    }
    for (const auto& s : live) s->shutdown();
    live.clear();
    // In-flight answers get a bounded time to finish; then the loop is stopped regardless.
    std::mutex done_mutex;
    std::condition_variable done_cv;
    bool done = false;  // guarded by done_mutex
    std::thread watchdog([&] {
        std::unique_lock lock(done_mutex);
        if (!done_cv.wait_for(lock, std::chrono::seconds(10), [&] { return done; })) ioc_.stop();
    });
    for (auto& worker : workers_) worker.join();
    {
        std::lock_guard lock(done_mutex);
        done = true;
    }
    done_cv.notify_all();
    watchdog.join();
}

void http_server::run_until_signal() {
    net::io_context signals_ioc;
    net::signal_set signals(signals_ioc, SIGINT, SIGTERM);
    signals.async_wait([](beast::error_code, int signal) { spdlog::info("signal {} received, shutting down", signal); });
    signals_ioc.run();
    stop();
}

}  // namespace emu::server
