#include "tests/support/test_server.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>

namespace emu::test {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

const std::string& http_reply::header(const std::string& lower_name) const {
    static const std::string none;
    const auto it = headers.find(lower_name);
    return it == headers.end() ? none : it->second;
}

rapidjson::Document http_reply::json() const {
    rapidjson::Document document;
    document.Parse(body.c_str(), body.size());
    EXPECT_FALSE(document.HasParseError()) << "not JSON: " << body;
    return document;
}

http_reply http_request(std::uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body, const header_list& headers) {
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    http::request<http::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    for (const auto& [name, value] : headers) req.set(name, value);
    if (!body.empty() || method == "POST" || method == "PUT") {
        req.body() = body;
        req.prepare_payload();
    }
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (method == "HEAD") parser.skip(true);
    http::read(stream, buffer, parser);
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
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return reply;
}

test_server::test_server(const std::function<void(server::config&)>& tweak)
    : test_server(routes::auth::auth_settings{}, tweak) {}

test_server::test_server(routes::auth::auth_settings auth,
                         const std::function<void(server::config&)>& tweak) {
    server::config settings;
    settings.host = "127.0.0.1";
    settings.port = 0;
    settings.kafka_port = 0;  // tests run side by side: every instance gets an ephemeral Kafka port
    settings.threads = 2;
    if (tweak) tweak(settings);
    app_ = std::make_unique<server::app>(settings, server::app_options{clock_.fn(), std::move(auth)});
    port_ = app_->listen();
    app_->start();
}

test_server::~test_server() {
    app_->stop();
}

http_reply test_server::request(const std::string& method, const std::string& target, const std::string& body,
                                const header_list& headers) const {
    header_list all = headers;
    const auto has = [&all](std::string_view lower_name) {
        return std::any_of(all.begin(), all.end(), [lower_name](const auto& h) {
            std::string name = h.first;
            std::transform(name.begin(), name.end(), name.begin(),
                           [](unsigned char c) { return std::tolower(c); });
            return name == lower_name;
        });
    };
    if (!has("content-type")) all.emplace_back("Content-Type", "application/json");
    if (!has("x-auth-token") && !has("authorization")) all.emplace_back("X-Auth-Token", test_token);
    return http_request(port_, method, target, body, all);
}

}  // namespace emu::test
