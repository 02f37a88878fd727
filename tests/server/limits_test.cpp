#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "server/config.hpp"
#include "tests/support/raw_connection.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

using namespace std::chrono_literals;

const std::string missing_stream = "/v2/" + project_id + "/streams/missing";

void expect_gateway_error(const http_reply& reply, unsigned status, const char* code,
                          const std::string& message) {
    EXPECT_EQ(reply.status, status);
    const auto body = reply.json();
    ASSERT_TRUE(body.IsObject()) << reply.body;
    EXPECT_STREQ(body["error_code"].GetString(), code);
    EXPECT_EQ(std::string(body["error_msg"].GetString()), message);
    EXPECT_EQ(std::string(body["request_id"].GetString()), reply.header("x-request-id"));
}

// ---- slow senders and idle connections ----------------------------------------------------------------

TEST(limits, a_slow_loris_client_is_cut_off_while_other_clients_are_served) {
    test_server server([](server::config& c) {
        c.read_timeout = 300ms;
        c.idle_timeout = 60s;
    });
    raw_connection slow(server.port());
    ASSERT_TRUE(slow.send("GET " + missing_stream + " HTTP/1.1\r\nHost: x\r\nX-Slow: "));
    // One byte at a time until the server hangs up; bounded so a server that never does fails, not hangs.
    std::atomic<bool> cut_off{false};
    std::thread dribbler([&] {
        for (int i = 0; i < 500 && !cut_off; ++i) {
            if (!slow.send("a")) cut_off = true;
            std::this_thread::sleep_for(20ms);
        }
    });
    for (int i = 0; i < 20; ++i) {
        const auto reply = server.request("GET", missing_stream);
        EXPECT_EQ(reply.status, 400U);
        EXPECT_NE(reply.body.find("DIS.4301"), std::string::npos);
    }
    dribbler.join();
    EXPECT_TRUE(cut_off.load()) << "the dribbling connection was never closed";
}

TEST(limits, a_request_started_but_never_finished_is_closed_after_the_read_timeout) {
    test_server server([](server::config& c) {
        c.read_timeout = 200ms;
        c.idle_timeout = 60s;
    });
    raw_connection half(server.port());
    ASSERT_TRUE(
        half.send("POST /v2/" + project_id + "/records HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"));
    EXPECT_TRUE(half.closed_by_server());
}

TEST(limits, an_idle_keep_alive_connection_is_closed_after_the_idle_timeout) {
    test_server server([](server::config& c) {
        c.read_timeout = 60s;
        c.idle_timeout = 200ms;
    });
    raw_connection idle(server.port());
    ASSERT_TRUE(idle.send(raw_head("GET", missing_stream)));
    const auto reply = idle.read_reply();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 400U);
    EXPECT_TRUE(idle.closed_by_server());  // nothing further sent: the idle timeout ends it
}

TEST(limits, waiting_between_requests_is_bounded_by_the_idle_timeout_not_the_read_timeout) {
    test_server server([](server::config& c) {
        c.read_timeout = 100ms;
        c.idle_timeout = 60s;
    });
    raw_connection conn(server.port());
    ASSERT_TRUE(conn.send(raw_head("GET", missing_stream)));
    ASSERT_TRUE(conn.read_reply());
    std::this_thread::sleep_for(400ms);  // several read timeouts, well within the idle timeout
    ASSERT_TRUE(conn.send(raw_head("GET", missing_stream)));
    const auto second = conn.read_reply();
    ASSERT_TRUE(second) << "the connection was closed while idle";
    EXPECT_EQ(second->status, 400U);
}

// ---- header and URL size --------------------------------------------------------------------------------

TEST(limits, headers_over_the_header_limit_get_494_and_the_connection_closes) {
    test_server server([](server::config& c) { c.header_limit = 2048; });
    raw_connection conn(server.port());
    ASSERT_TRUE(conn.send(raw_head("GET", missing_stream, "X-Big: " + std::string(4096, 'b') + "\r\n")));
    const auto reply = conn.read_reply();
    ASSERT_TRUE(reply);
    expect_gateway_error(*reply, 494, "APIGW.0201", "Request headers too large.");
    EXPECT_EQ(reply->header("connection"), "close");
    EXPECT_TRUE(conn.closed_by_server());
}

TEST(limits, headers_within_the_header_limit_are_served) {
    test_server server([](server::config& c) { c.header_limit = 8192; });
    const auto reply = server.request("GET", missing_stream, {}, {{"X-Big", std::string(4096, 'b')}});
    EXPECT_EQ(reply.status, 400U);
    EXPECT_NE(reply.body.find("DIS.4301"), std::string::npos);
}

TEST(limits, a_target_over_the_url_limit_gets_414_and_the_connection_closes) {
    test_server server([](server::config& c) { c.url_limit = 128; });
    const std::string long_target = missing_stream + "?x=" + std::string(200, 'q');
    raw_connection conn(server.port());
    ASSERT_TRUE(conn.send(raw_head("GET", long_target)));
    const auto reply = conn.read_reply();
    ASSERT_TRUE(reply);
    expect_gateway_error(*reply, 414, "APIGW.0201", "Request URI too large.");
    EXPECT_TRUE(conn.closed_by_server());
}

TEST(limits, a_target_at_the_url_limit_is_served) {
    test_server server([](server::config& c) { c.url_limit = 128; });
    std::string target = missing_stream + "?x=";
    target += std::string(128 - target.size(), 'q');
    const auto reply = server.request("GET", target);
    EXPECT_EQ(reply.status, 400U);
    EXPECT_NE(reply.body.find("DIS.4301"), std::string::npos);
}

TEST(limits, an_oversized_body_with_a_long_target_is_refused_before_the_body_is_read) {
    test_server server([](server::config& c) { c.url_limit = 128; });
    raw_connection conn(server.port());
    const std::string target = "/v2/" + project_id + "/records?" + std::string(200, 'q');
    ASSERT_TRUE(conn.send(raw_head("POST", target, "Content-Length: 1000000\r\n")));
    const auto reply = conn.read_reply();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 414U);
}

// ---- connection count -------------------------------------------------------------------------------------

TEST(limits, a_connection_over_max_connections_gets_429_and_is_closed_and_others_keep_working) {
    test_server server([](server::config& c) {
        c.max_connections = 2;
        c.idle_timeout = 60s;
    });
    auto first = std::make_unique<raw_connection>(server.port());
    raw_connection second(server.port());
    // Both are registered: accepts are handled in order, so the answer below proves the first was.
    ASSERT_TRUE(second.send(raw_head("GET", missing_stream)));
    ASSERT_TRUE(second.read_reply());

    raw_connection third(server.port());
    third.send(raw_head("GET", missing_stream));
    const auto refused = third.read_reply();
    ASSERT_TRUE(refused);
    expect_gateway_error(*refused, 429, "APIGW.0308",
                         "The throttling threshold has been reached: too many connections, limit:2");
    EXPECT_EQ(refused->header("connection"), "close");
    EXPECT_TRUE(third.closed_by_server());

    // Open connections are unaffected.
    ASSERT_TRUE(second.send(raw_head("GET", missing_stream)));
    const auto still = second.read_reply();
    ASSERT_TRUE(still);
    EXPECT_EQ(still->status, 400U);

    // Once one closes, a new connection is served. The server notices the close asynchronously, so ask
    // until it has (bounded: a slot that never frees fails the test).
    first.reset();
    unsigned status = 0;
    for (int attempt = 0; attempt < 500 && status != 400; ++attempt) {
        raw_connection next(server.port());
        next.send(raw_head("GET", missing_stream));
        const auto reply = next.read_reply();
        status = reply ? reply->status : 0;
        if (status != 400) std::this_thread::sleep_for(10ms);
    }
    EXPECT_EQ(status, 400U);
}

// ---- configuration
// ----------------------------------------------------------------------------------------------

server::parse_outcome parse(std::vector<std::string> args) {
    args.insert(args.begin(), "stream-emulator");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    return server::parse_config(static_cast<int>(argv.size()), argv.data());
}

TEST(config, defaults_bind_loopback_and_set_every_limit) {
    const auto parsed = parse({});
    ASSERT_TRUE(parsed.settings);
    const auto& c = *parsed.settings;
    EXPECT_EQ(c.host, "127.0.0.1");
    EXPECT_EQ(c.body_limit, 8U * 1024 * 1024);
    EXPECT_EQ(c.header_limit, 64U * 1024);
    EXPECT_EQ(c.url_limit, 8U * 1024);
    EXPECT_EQ(c.max_connections, 512U);
    EXPECT_EQ(c.read_timeout, 30s);
    EXPECT_EQ(c.idle_timeout, 60s);
    EXPECT_EQ(c.max_stored_bytes, std::uint64_t{1} << 30);
}

TEST(config, limit_flags_are_parsed) {
    const auto parsed = parse({"--header-limit", "4096", "--url-limit", "1000", "--max-connections", "7",
                               "--read-timeout", "5", "--idle-timeout", "9", "--max-stored-bytes", "0"});
    ASSERT_TRUE(parsed.settings);
    const auto& c = *parsed.settings;
    EXPECT_EQ(c.header_limit, 4096U);
    EXPECT_EQ(c.url_limit, 1000U);
    EXPECT_EQ(c.max_connections, 7U);
    EXPECT_EQ(c.read_timeout, 5s);
    EXPECT_EQ(c.idle_timeout, 9s);
    EXPECT_EQ(c.max_stored_bytes, 0U);
}

TEST(config, limit_flags_have_environment_twins_and_flags_win) {
    ::setenv("STREAM_EMULATOR_MAX_CONNECTIONS", "11", 1);
    ::setenv("STREAM_EMULATOR_IDLE_TIMEOUT", "12", 1);
    ::setenv("STREAM_EMULATOR_MAX_STORED_BYTES", "1234", 1);
    ::setenv("STREAM_EMULATOR_URL_LIMIT", "999", 1);
    ::setenv("STREAM_EMULATOR_HEADER_LIMIT", "5000", 1);
    const auto from_env = parse({});
    const auto flag_wins = parse({"--max-connections", "3"});
    for (const char* name :
         {"STREAM_EMULATOR_MAX_CONNECTIONS", "STREAM_EMULATOR_IDLE_TIMEOUT",
          "STREAM_EMULATOR_MAX_STORED_BYTES", "STREAM_EMULATOR_URL_LIMIT", "STREAM_EMULATOR_HEADER_LIMIT"}) {
        ::unsetenv(name);
    }
    ASSERT_TRUE(from_env.settings);
    EXPECT_EQ(from_env.settings->max_connections, 11U);
    EXPECT_EQ(from_env.settings->idle_timeout, 12s);
    EXPECT_EQ(from_env.settings->max_stored_bytes, 1234U);
    EXPECT_EQ(from_env.settings->url_limit, 999U);
    EXPECT_EQ(from_env.settings->header_limit, 5000U);
    ASSERT_TRUE(flag_wins.settings);
    EXPECT_EQ(flag_wins.settings->max_connections, 3U);
}

TEST(config, out_of_range_limits_are_refused) {
    EXPECT_FALSE(parse({"--max-connections", "0"}).settings);
    EXPECT_FALSE(parse({"--idle-timeout", "0"}).settings);
    EXPECT_FALSE(parse({"--header-limit", "10"}).settings);
    EXPECT_FALSE(parse({"--max-stored-bytes", "-5"}).settings);
    EXPECT_FALSE(parse({"--ak-lockout", "-1"}).settings);
    EXPECT_FALSE(parse({"--rate-limit", "-1"}).settings);
}

TEST(config, the_security_flags_are_off_by_default_and_have_environment_twins) {
    const auto defaults = parse({});
    ASSERT_TRUE(defaults.settings);
    EXPECT_EQ(defaults.settings->ak_lockout, 0U);
    EXPECT_EQ(defaults.settings->ak_lockout_seconds, 300U);
    EXPECT_EQ(defaults.settings->rate_limit, 0U);
    EXPECT_EQ(defaults.settings->control_token, "");
    ::setenv("STREAM_EMULATOR_CONTROL_TOKEN", "from-env", 1);
    ::setenv("STREAM_EMULATOR_AK_LOCKOUT", "5", 1);
    ::setenv("STREAM_EMULATOR_RATE_LIMIT", "100", 1);
    const auto from_env = parse({"--ak-lockout-seconds", "60"});
    for (const char* name :
         {"STREAM_EMULATOR_CONTROL_TOKEN", "STREAM_EMULATOR_AK_LOCKOUT", "STREAM_EMULATOR_RATE_LIMIT"}) {
        ::unsetenv(name);
    }
    ASSERT_TRUE(from_env.settings);
    EXPECT_EQ(from_env.settings->control_token, "from-env");
    EXPECT_EQ(from_env.settings->ak_lockout, 5U);
    EXPECT_EQ(from_env.settings->ak_lockout_seconds, 60U);
    EXPECT_EQ(from_env.settings->rate_limit, 100U);
}

}  // namespace
}  // namespace emu::test
