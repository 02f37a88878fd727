#include "tests/support/raw_connection.hpp"

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <functional>
#include <string>

namespace emu::test {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

raw_connection::raw_connection(std::uint16_t port) : stream_(ioc_) {
    stream_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
}

bool raw_connection::send(std::string_view bytes) {
    beast::error_code ec;
    net::write(stream_.socket(), net::buffer(bytes.data(), bytes.size()), ec);
    return !ec;
}

void raw_connection::run_for(std::chrono::milliseconds wait) {
    ioc_.restart();
    ioc_.run_for(wait);
    if (!ioc_.stopped()) {
        stream_.cancel();
        ioc_.run();
    }
}

std::optional<http_reply> raw_connection::read_reply(std::chrono::milliseconds wait) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    beast::error_code result = net::error::operation_aborted;
    http::async_read(stream_, buffer_, parser, [&result](beast::error_code ec, std::size_t) { result = ec; });
    run_for(wait);
    if (result) return std::nullopt;
    auto res = parser.release();
    http_reply reply;
    reply.status = res.result_int();
    for (const auto& field : res) {
        std::string name(field.name_string());
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return std::tolower(c); });
        reply.headers[name] = std::string(field.value());
    }
    reply.body = std::move(res.body());
    return reply;
}

bool raw_connection::closed_by_server(std::chrono::milliseconds wait) {
    bool closed = false;
    std::function<void()> read_more;
    read_more = [&] {
        stream_.async_read_some(buffer_.prepare(4096), [&](beast::error_code ec, std::size_t n) {
            buffer_.commit(n);
            buffer_.clear();
            if (ec == net::error::eof || ec == net::error::connection_reset) {
                closed = true;
            } else if (!ec) {
                read_more();
            }
        });
    };
    read_more();
    run_for(wait);
    return closed;
}

void raw_connection::close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
}

std::string raw_head(std::string_view method, std::string_view target, std::string_view extra_headers) {
    std::string head;
    head.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: ");
    head.append(test_token).append("\r\n").append(extra_headers).append("\r\n");
    return head;
}

}  // namespace emu::test
