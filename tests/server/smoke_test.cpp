#include <gtest/gtest.h>

#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

TEST(server_smoke, unknown_route_gets_gateway_404_with_request_id) {
    test_server server;
    const auto reply = server.request("GET", "/v2/" + project_id + "/nothing-here");
    EXPECT_EQ(reply.status, 404U);
    EXPECT_EQ(reply.header("x-request-id").size(), 32U);
    const auto body = reply.json();
    EXPECT_STREQ(body["error_code"].GetString(), "APIGW.0101");
    EXPECT_STREQ(body["request_id"].GetString(), reply.header("x-request-id").c_str());
}

}  // namespace
}  // namespace emu::test
