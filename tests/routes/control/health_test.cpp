#include <gtest/gtest.h>

#include "server/healthcheck.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

TEST(emulator_ready, answers_200_json_without_credentials) {
    test_server server;
    const auto reply = http_request(server.port(), "GET", "/_emulator/ready");
    EXPECT_EQ(reply.status, 200U);
    EXPECT_EQ(reply.body, R"({"status":"ready"})");
    EXPECT_EQ(reply.header("content-type"), "application/json;charset=UTF-8");
    EXPECT_EQ(reply.header("x-request-id").size(), 32U);
}

TEST(healthcheck, is_healthy_against_a_running_emulator_and_unhealthy_without_one) {
    std::uint16_t port = 0;
    {
        test_server server;
        port = server.port();
        EXPECT_EQ(server::run_healthcheck("127.0.0.1", port), 0);
        EXPECT_EQ(server::run_healthcheck("0.0.0.0", port), 0);  // a wildcard bind is probed on loopback
    }
    EXPECT_EQ(server::run_healthcheck("127.0.0.1", port), 1);
}

}  // namespace
}  // namespace emu::test
