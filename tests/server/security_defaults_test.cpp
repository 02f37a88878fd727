#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <sstream>
#include <string>

#include "routes/http/request.hpp"
#include "server/config.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

TEST(security_defaults, the_default_bind_address_is_loopback) {
    char name[] = "stream-emulator";
    char* argv[] = {name};
    const auto parsed = server::parse_config(1, argv);
    ASSERT_TRUE(parsed.settings);
    EXPECT_EQ(parsed.settings->host, "127.0.0.1");
    EXPECT_EQ(server::config{}.host, "127.0.0.1");
}

TEST(security_defaults, credential_like_query_values_are_redacted_for_logs) {
    EXPECT_EQ(routes::redacted_target("/v2/p/streams?limit=10&X-Auth-Token=abc&x=1"),
              "/v2/p/streams?limit=10&X-Auth-Token=REDACTED&x=1");
    EXPECT_EQ(routes::redacted_target(
                  "/a?access_token=t&password=p&X-Security-Token=s&sk=k&ak=AK&X%2DSdk%2DSignature=x"),
              "/a?access_token=REDACTED&password=REDACTED&X-Security-Token=REDACTED&sk=REDACTED&ak=AK&"
              "X%2DSdk%2DSignature=REDACTED");
    EXPECT_EQ(routes::redacted_target("/no/query"), "/no/query");
    EXPECT_EQ(routes::redacted_target("/a?&token&=v&"), "/a?&token&=v&");
}

// Captures everything the server logs while it lives.
class captured_log {
  public:
    captured_log() : previous_(spdlog::default_logger()) {
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
        auto logger = std::make_shared<spdlog::logger>("capture", sink);
        logger->set_level(spdlog::level::trace);
        spdlog::set_default_logger(logger);
    }
    ~captured_log() { spdlog::set_default_logger(previous_); }
    captured_log(const captured_log&) = delete;
    captured_log& operator=(const captured_log&) = delete;

    std::string text() {
        spdlog::default_logger()->flush();
        return out_.str();
    }

  private:
    std::ostringstream out_;
    std::shared_ptr<spdlog::logger> previous_;
};

TEST(security_defaults, tokens_and_signatures_never_reach_the_log) {
    captured_log log;
    std::string text;
    {
        test_server server;
        const std::string stream_path = "/v2/" + project_id + "/streams/missing";
        server.request("GET", stream_path, {}, {{"X-Auth-Token", "header-token-4f1d"}});
        server.request("GET", stream_path + "?X-Auth-Token=query-token-9a2c&limit=1");
        server.request(
            "GET", stream_path, {},
            {{"Authorization", "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host, Signature=sig-77e1"},
             {"X-Sdk-Date", "bad"},
             {"X-Security-Token", "security-token-3b8e"}});
    }
    text = log.text();
    EXPECT_NE(text.find("/streams/missing"), std::string::npos)
        << "the access log was not captured: " << text;
    EXPECT_NE(text.find("X-Auth-Token=REDACTED&limit=1"), std::string::npos) << text;
    for (const char* secret : {"header-token-4f1d", "query-token-9a2c", "sig-77e1", "security-token-3b8e"}) {
        EXPECT_EQ(text.find(secret), std::string::npos) << secret << " logged: " << text;
    }
}

}  // namespace
}  // namespace emu::test
