#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <set>

#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

const std::string checkpoints = "/v2/" + project_id + "/checkpoints?stream_name=s&app_name=a";

TEST(server, keep_alive_serves_several_requests_on_one_connection_each_with_its_own_request_id) {
    test_server server;
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
    beast::flat_buffer buffer;
    std::set<std::string> ids;
    for (int i = 0; i < 3; ++i) {
        http::request<http::string_body> req{http::verb::delete_, checkpoints, 11};
        req.set(http::field::host, "127.0.0.1");
        req.set(http::field::content_type, "application/json");
        req.set("X-Auth-Token", test_token);
        http::write(stream, req);
        http::response<http::string_body> res;
        http::read(stream, buffer, res);
        EXPECT_EQ(res.result_int(),
                  400U);  // the stream does not exist: a real answer, on the same connection
        EXPECT_TRUE(res.keep_alive());
        ids.insert(std::string(res["X-Request-Id"]));
    }
    EXPECT_EQ(ids.size(), 3U);
}

TEST(server, pipelined_requests_are_answered_in_order) {
    test_server server;
    net::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
    const std::string two = "GET /nope/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /v2/" + project_id +
                            "/streams/missing HTTP/1.1\r\nHost: x\r\nX-Auth-Token: " + test_token +
                            "\r\n\r\n";
    net::write(socket, net::buffer(two));
    beast::flat_buffer buffer;
    http::response<http::string_body> first;
    http::response<http::string_body> second;
    http::read(socket, buffer, first);
    http::read(socket, buffer, second);
    EXPECT_EQ(first.result_int(), 404U);
    EXPECT_EQ(second.result_int(), 400U);
    EXPECT_NE(second.body().find("DIS.4301"), std::string::npos);
}

TEST(server, a_body_over_the_limit_gets_413_in_the_gateway_format) {
    test_server server([](server::config& c) { c.body_limit = 64; });
    const auto reply = server.request("POST", "/v2/" + project_id + "/records", std::string(65, 'x'));
    EXPECT_EQ(reply.status, 413U);
    const auto body = reply.json();
    EXPECT_STREQ(body["error_code"].GetString(), "APIGW.0201");
    EXPECT_STREQ(body["error_msg"].GetString(), "Request entity too large.");
    EXPECT_EQ(reply.header("x-request-id").size(), 32U);
    EXPECT_STREQ(body["request_id"].GetString(), reply.header("x-request-id").c_str());
}

TEST(server, malformed_http_gets_400_and_the_connection_closes) {
    test_server server;
    net::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
    net::write(socket, net::buffer(std::string("GARBAGE\r\n\r\n")));
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    EXPECT_EQ(res.result_int(), 400U);
    EXPECT_NE(res.body().find("APIGW.0201"), std::string::npos);
    EXPECT_FALSE(res.keep_alive());
}

TEST(server, every_answer_has_a_lowercase_hex_request_id) {
    test_server server;
    for (const auto& target : {std::string("/"), "/v2/" + project_id + "/streams/x", checkpoints}) {
        const auto reply = server.request("GET", target);
        const auto& id = reply.header("x-request-id");
        ASSERT_EQ(id.size(), 32U) << target;
        EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    }
}

TEST(server, stop_returns_with_an_idle_keep_alive_connection_open) {
    auto server = std::make_unique<test_server>();
    net::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server->port()));
    server.reset();  // joins the workers; must not wait for the idle connection's read timeout
    char byte = 0;
    beast::error_code ec;
    socket.read_some(net::buffer(&byte, 1), ec);
    EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
}

}  // namespace
}  // namespace emu::test

namespace emu::test {
namespace {

// Connections accepted while the server stops must be closed, not left reading until their timeout.
TEST(server, connections_arriving_during_stop_are_all_closed) {
    for (int round = 0; round < 20; ++round) {
        auto server = std::make_unique<test_server>();
        net::io_context ioc;
        std::vector<tcp::socket> sockets;
        for (int i = 0; i < 8; ++i) {
            sockets.emplace_back(ioc);
            sockets.back().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server->port()));
        }
        server.reset();
        for (auto& socket : sockets) {
            char byte = 0;
            beast::error_code ec;
            socket.read_some(net::buffer(&byte, 1), ec);
            EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
        }
    }
}

}  // namespace
}  // namespace emu::test
