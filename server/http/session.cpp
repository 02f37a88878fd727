#include "server/http/session.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <optional>

#include "server/http/wire.hpp"

namespace emu::server::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = beast::http;

namespace {

class connection_refusal : public std::enable_shared_from_this<connection_refusal> {
  public:
    connection_refusal(net::strand_socket&& socket, const routes::pipeline& pipeline, unsigned limit)
        : stream_(std::move(socket)) {
        const auto id = new_request_id();
        auto answer = pipeline.refuse(routes::refusal::too_many_connections, id, limit);
        response_.version(11);
        response_.result(answer.status);
        response_.set("X-Request-Id", id);
        response_.set(beast_http::field::content_type, answer.content_type);
        response_.body() = std::move(answer.body);
        response_.keep_alive(false);
        response_.prepare_payload();
    }

    void start() {
        stream_.expires_after(drain_time);
        beast_http::async_write(stream_, response_,
                                beast::bind_front_handler(&connection_refusal::on_write, shared_from_this()));
    }

  private:
    static constexpr std::chrono::seconds drain_time{2};

    void on_write(beast::error_code ec, std::size_t) {
        if (ec) return;
        stream_.socket().shutdown(net::tcp::socket::shutdown_send, ec);
        drain();
    }

    void drain() {
        stream_.async_read_some(buffer_.prepare(4096),
                                [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                    self->buffer_.clear();
                                    if (!ec) self->drain();
                                });
    }

    net::strand_stream stream_;
    beast::flat_buffer buffer_;
    beast_http::response<beast_http::string_body> response_;
};

class http_session : public net::session, public std::enable_shared_from_this<http_session> {
  public:
    http_session(net::strand_socket&& socket, std::shared_ptr<net::session_registry> owner,
                 const service_context& services)
        : stream_(std::move(socket)),
          fault_timer_(stream_.get_executor()),
          owner_(std::move(owner)),
          settings_(services.settings),
          pipeline_(services.pipeline),
          state_(services.state) {}

    ~http_session() override { owner_->forget(); }

    void start() override {
        asio::dispatch(stream_.get_executor(),
                       beast::bind_front_handler(&http_session::do_read, shared_from_this()));
    }

    // Runs on the strand: an idle connection closes now, a busy one after its answer is written.
    void shutdown() override {
        asio::post(stream_.get_executor(), [self = shared_from_this()] {
            self->closing_ = true;
            self->fault_timer_.cancel();  // an injected delay ends now; the answer still goes out
            if (!self->busy_) {
                beast::error_code ignored;
                self->stream_.socket().shutdown(net::tcp::socket::shutdown_both, ignored);
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
                                beast::bind_front_handler(&http_session::on_first_bytes, shared_from_this()));
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
        beast_http::async_read_header(
            stream_, buffer_, *parser_,
            beast::bind_front_handler(&http_session::on_header, shared_from_this()));
    }

    void on_header(beast::error_code ec, std::size_t bytes) {
        if (ec) return on_read(ec, bytes);
        if (parser_->get().target().size() > settings_.url_limit) {
            // The body was not read, so the connection cannot carry another request.
            keep_alive_ = false;
            const auto id = new_request_id();
            return send(pipeline_.refuse(routes::refusal::target_too_large, id), id, "-", "-",
                        std::chrono::steady_clock::now());
        }
        if (const auto parse_ec = parse_buffered(true)) return on_read(parse_ec, 0);
        if (parser_->is_done()) return on_read({}, bytes);
        stream_.expires_at(read_deadline_);
        beast_http::async_read(stream_, buffer_, *parser_,
                               beast::bind_front_handler(&http_session::on_read, shared_from_this()));
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
            if (ec == beast_http::error::need_more) return {};
            if (ec) return ec;
            if (used == 0) break;
        }
        return {};
    }

    void on_read(beast::error_code ec, std::size_t) {
        if (ec == beast_http::error::end_of_stream || ec == asio::error::operation_aborted ||
            ec == beast::error::timeout || ec == asio::error::connection_reset || ec == asio::error::eof) {
            return close();
        }
        const auto started = std::chrono::steady_clock::now();
        if (ec) {
            // The stream cannot be trusted after a parse failure: answer once, then close.
            keep_alive_ = false;
            const auto id = new_request_id();
            const auto why = ec == beast_http::error::body_limit     ? routes::refusal::body_too_large
                             : ec == beast_http::error::header_limit ? routes::refusal::headers_too_large
                                                                     : routes::refusal::malformed;
            const auto answer = pipeline_.refuse(why, id);
            return send(answer, id, "-", "-", started);
        }
        busy_ = true;
        auto request = parser_->release();
        keep_alive_ = request.keep_alive() && !closing_;
        auto ctx = to_request_context(std::move(request), new_request_id());
        auto answer = pipeline_.handle(ctx, state_);
        if (answer.drop || answer.delay.count() > 0) {
            return act_on_fault(std::move(answer), std::move(ctx.request_id), std::move(ctx.method),
                                std::move(ctx.target), started);
        }
        send(std::move(answer), ctx.request_id, ctx.method, ctx.target, started);
    }

    // A fault rule's transport actions: wait on this strand's timer (never a worker's sleep), then answer or
    // close the connection without a word.
    void act_on_fault(routes::response answer, std::string request_id, std::string method, std::string target,
                      std::chrono::steady_clock::time_point started) {
        fault_timer_.expires_after(answer.delay);
        fault_timer_.async_wait([self = shared_from_this(), answer = std::move(answer),
                                 request_id = std::move(request_id), method = std::move(method),
                                 target = std::move(target), started](beast::error_code) mutable {
            if (answer.drop) {
                spdlog::info("{} {} {} dropped by fault rule {}", request_id, method,
                             routes::redacted_target(target), answer.fault_id);
                self->busy_ = false;
                return self->close();
            }
            self->send(std::move(answer), request_id, method, target, started);
        });
    }

    void send(routes::response answer, const std::string& request_id, const std::string& method,
              const std::string& target, std::chrono::steady_clock::time_point started) {
        busy_ = true;
        out_head_ = response_head(answer, request_id, keep_alive_);
        out_body_ = std::move(answer.body);
        stream_.expires_after(
            settings_.read_timeout);  // a client that does not read its answer is cut off too
        if (spdlog::should_log(spdlog::level::info)) {
            const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                                    std::chrono::steady_clock::now() - started)
                                    .count();
            spdlog::info("{} {} {} {} {}B {}us", request_id, method, routes::redacted_target(target),
                         answer.status, out_body_.size(), micros);
        }
        const std::array<asio::const_buffer, 2> buffers{asio::buffer(out_head_), asio::buffer(out_body_)};
        asio::async_write(stream_, buffers,
                          beast::bind_front_handler(&http_session::on_write, shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t) {
        busy_ = false;
        if (ec || !keep_alive_ || closing_) return close();
        do_read();
    }

    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(net::tcp::socket::shutdown_send, ignored);
        stream_.socket().close(ignored);
    }

    static constexpr std::size_t first_read_size = 4096;

    net::strand_stream stream_;
    net::strand_timer fault_timer_;  // injected delays
    beast::flat_buffer buffer_;
    std::optional<beast_http::request_parser<beast_http::string_body>> parser_;
    std::chrono::steady_clock::time_point read_deadline_;  // the current request's whole read
    std::string out_head_;                                 // the answer being written
    std::string out_body_;
    std::shared_ptr<net::session_registry> owner_;
    const config& settings_;
    const routes::pipeline& pipeline_;
    state::state& state_;
    // Touched only on this session's strand.
    bool keep_alive_ = true;
    bool busy_ = false;
    bool closing_ = false;
};

}  // namespace

std::shared_ptr<net::session> make_session(net::strand_socket&& socket,
                                           std::shared_ptr<net::session_registry> owner,
                                           const service_context& services) {
    return std::make_shared<http_session>(std::move(socket), std::move(owner), services);
}

void refuse_connection(net::strand_socket&& socket, const routes::pipeline& pipeline, unsigned limit) {
    std::make_shared<connection_refusal>(std::move(socket), pipeline, limit)->start();
}

}  // namespace emu::server::http
