#include "server/healthcheck.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>

namespace emu::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

int run_healthcheck(const std::string& host, std::uint16_t port) {
    const std::string target_host = host == "0.0.0.0" ? "127.0.0.1" : host == "::" ? "::1" : host;
    try {
        net::io_context ioc;
        beast::tcp_stream stream(ioc);
        stream.expires_after(std::chrono::seconds(2));
        stream.connect(net::ip::tcp::endpoint(net::ip::make_address(target_host), port));
        http::request<http::empty_body> request{http::verb::get, "/_emulator/ready", 11};
        request.set(http::field::host, target_host);
        http::write(stream, request);
        beast::flat_buffer buffer;
        http::response<http::string_body> response;
        http::read(stream, buffer, response);
        if (response.result() == http::status::ok) return 0;
        std::fprintf(stderr, "unhealthy: GET /_emulator/ready answered %u\n", response.result_int());
    } catch (const boost::system::system_error& error) {
        std::fprintf(stderr, "unhealthy: %s\n", error.code().message().c_str());
    }
    return 1;
}

}  // namespace emu::server
