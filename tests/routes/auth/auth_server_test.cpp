// Authentication over the real server: each mode, each credential form, and every refusal with its
// status, code and body shape (auth.md §7), plus project binding and tenancy.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <regex>

#include "routes/auth/authenticate.hpp"
#include "routes/auth/credentials.hpp"
#include "routes/auth/signing.hpp"
#include "routes/control/fixture.hpp"
#include "tests/routes/auth/signed_requests.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

namespace sg = routes::auth::signing;

const std::string dis_path = "/v2/" + project_id + "/checkpoints?app_name=a&stream_name=s";
const std::string unknown_instance = "00000000-0000-4000-8000-000000000000";
std::string dms_path(const std::string& project = project_id) {
    return "/v2/" + project + "/instances/" + unknown_instance;
}

// Past authentication, the handler answers: a missing stream (DIS) or instance (DMS).
::testing::AssertionResult reached_dis_handler(const http_reply& reply) {
    if (reply.status == 400 && reply.body.find("DIS.4301") != std::string::npos)
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << reply.status << " " << reply.body;
}
::testing::AssertionResult reached_dms_handler(const http_reply& reply) {
    if (reply.status == 404 && reply.body.find("DMS.00404022") != std::string::npos)
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << reply.status << " " << reply.body;
}

// ==== off, loose, strict ============================================================================

TEST(auth_modes, mode_names_round_trip) {
    for (const auto m :
         {routes::auth::auth_mode::off, routes::auth::auth_mode::loose, routes::auth::auth_mode::strict}) {
        EXPECT_EQ(routes::auth::parse_auth_mode(routes::auth::auth_mode_name(m)), m);
    }
    EXPECT_EQ(routes::auth::parse_auth_mode("Strict"), std::nullopt);
    EXPECT_EQ(routes::auth::auth_settings{}.mode, routes::auth::auth_mode::loose);
    EXPECT_EQ(routes::auth::auth_settings{}.allowed_skew, std::chrono::minutes(15));
}

TEST(auth_modes, off_lets_a_request_without_credentials_through) {
    test_server server(mode(routes::auth::auth_mode::off));
    EXPECT_TRUE(reached_dis_handler(http_request(server.port(), "DELETE", dis_path)));
    EXPECT_TRUE(reached_dms_handler(http_request(server.port(), "GET", dms_path())));
}

TEST(auth_modes, loose_and_strict_refuse_a_request_without_credentials_on_both_services) {
    test_server loose;
    test_server strict(strict_settings());
    for (const auto* server : {&loose, &strict}) {
        EXPECT_TRUE(is_missing_credential(http_request(server->port(), "DELETE", dis_path)));
        EXPECT_TRUE(is_missing_credential(http_request(server->port(), "GET", dms_path())));
        EXPECT_TRUE(is_missing_credential(
            http_request(server->port(), "GET", dms_path(), "", {{"X-Auth-Token", "  "}})));
        EXPECT_TRUE(is_missing_credential(
            http_request(server->port(), "GET", dms_path(), "", {{"Authorization", ""}})));
    }
}

TEST(auth_modes, loose_accepts_any_token_and_any_well_formed_signature) {
    test_server server;
    signer other{server.port(), "ANYKEY", "any-secret"};
    EXPECT_TRUE(reached_dis_handler(server.request("DELETE", dis_path, "", {{"X-Auth-Token", "whatever"}})));
    EXPECT_TRUE(reached_dms_handler(server.request("GET", dms_path(), "", other.sdk("GET", dms_path()))));
    EXPECT_TRUE(reached_dis_handler(server.request("DELETE", dis_path, "", other.v11("DELETE", dis_path))));
    EXPECT_TRUE(
        reached_dis_handler(server.request("DELETE", dis_path, "", other.legacy("DELETE", dis_path))));
    // Loose mode checks form, not time: a day-old date passes.
    signer stale{server.port(), "ANYKEY", "any-secret", "20231113T221320Z"};
    EXPECT_TRUE(reached_dis_handler(server.request("DELETE", dis_path, "", stale.sdk("DELETE", dis_path))));
}

TEST(auth_modes, strict_accepts_each_form_signed_with_a_configured_key) {
    test_server server(strict_settings());
    signer client{server.port()};
    EXPECT_TRUE(reached_dis_handler(server.request("DELETE", dis_path, "", client.sdk("DELETE", dis_path))));
    EXPECT_TRUE(reached_dms_handler(server.request("GET", dms_path(), "", client.sdk("GET", dms_path()))));
    EXPECT_TRUE(reached_dis_handler(server.request("DELETE", dis_path, "", client.v11("DELETE", dis_path))));
    EXPECT_TRUE(
        reached_dis_handler(server.request("DELETE", dis_path, "", client.legacy("DELETE", dis_path))));
    EXPECT_TRUE(reached_dis_handler(server.request("DELETE", dis_path, "", {{"X-Auth-Token", open_token}})));
}

TEST(auth_modes, strict_verifies_a_signed_body_and_the_handler_sees_it) {
    test_server server(strict_settings());
    signer client{server.port()};
    const std::string target = "/v2/" + project_id + "/apps";
    const std::string body = R"({"app_name": "signed-app"})";
    const auto reply = server.request("POST", target, body, client.sdk("POST", target, body));
    EXPECT_EQ(reply.status, 201U) << reply.body;
}

TEST(auth_modes, strict_canonicalises_an_encoded_path_as_the_sdk_does) {
    test_server server(strict_settings());
    signer client{server.port()};
    const std::string target = "/v2/" + project_id + "/streams/my%2Dstream%7E";  // decoded: my-stream~
    const auto reply = server.request("GET", target, "", client.sdk("GET", target));
    EXPECT_TRUE(
        is_dis_answer(reply, 400, "DIS.4301", "The stream does not exist. [my-stream~][" + project_id + "]"))
        << reply.body;
}

TEST(auth_modes, control_routes_and_unknown_routes_need_no_credentials) {
    test_server server(strict_settings());
    EXPECT_EQ(http_request(server.port(), "GET", "/_emulator/ready").status, 200U);
    EXPECT_TRUE(is_gateway_error(http_request(server.port(), "GET", "/v3/" + project_id + "/nothing"), 404,
                                 "APIGW.0101", "The API does not exist"));
}

TEST(auth_modes, every_cloud_route_of_the_table_demands_credentials_and_only_control_routes_do_not) {
    const auto r = routes::make_pipeline();
    state::state st;
    for (const auto& row : r.routes()) {
        const bool control = row.path_template.starts_with("/_emulator/");
        const bool probe =
            row.path_template == "/_emulator/ready" || row.path_template == "/_emulator/health";
        EXPECT_EQ(row.auth, probe     ? routes::route_auth::none
                            : control ? routes::route_auth::control_token
                                      : routes::route_auth::cloud_credentials)
            << row.path_template;
        if (control) continue;
        std::string target;
        for (const auto& seg : row.segments)
            target += "/" + (seg.is_param ? (seg.text == "project_id" ? project_id : "v") : seg.text);
        routes::request_context ctx;
        ctx.request_id = "0123456789abcdef0123456789abcdef";
        ctx.method = row.method;
        routes::parse_target(ctx, target);
        const auto answer = r.handle(ctx, st);
        EXPECT_EQ(answer.status, 401U) << row.method << " " << target;
        EXPECT_NE(answer.body.find("x-auth-token not found"), std::string::npos) << answer.body;
    }
}

// ==== strict: AK/SK refusals (auth.md §2.7, §7.1) ======================================================

class strict_signature : public ::testing::Test {
  protected:
    test_server server_{strict_settings()};
    signer client_{server_.port()};
    const std::string target_ = "/v2/" + project_id + "/checkpoints?app_name=a&stream_name=s";
};

TEST_F(strict_signature, wrong_secret_is_refused_and_the_canonical_request_is_echoed) {
    signer wrong{server_.port(), ak, "not-the-secret"};
    const auto reply = server_.request("DELETE", target_, "", wrong.sdk("DELETE", target_));
    ASSERT_TRUE(is_signature_failure(reply));
    EXPECT_NE(reply.body.find("canonical request: DELETE|/v2/" + project_id +
                              "/checkpoints/|app_name=a&stream_name=s|"
                              "content-type:application/json|host:127.0.0.1:"),
              std::string::npos)
        << reply.body;
    EXPECT_EQ(reply.body.find(sk), std::string::npos);
}

TEST_F(strict_signature, tampered_body_is_refused) {
    const std::string target = "/v2/" + project_id + "/apps";
    const auto headers = client_.sdk("POST", target, R"({"app_name":"a1"})");
    EXPECT_TRUE(is_signature_failure(server_.request("POST", target, R"({"app_name":"a2"})", headers)));
    EXPECT_EQ(server_.request("POST", target, R"({"app_name":"a1"})", headers).status, 201U);
}

TEST_F(strict_signature, tampered_query_or_path_is_refused) {
    const auto headers = client_.sdk("DELETE", target_);
    EXPECT_TRUE(is_signature_failure(server_.request("DELETE", target_ + "&partition_id=0", "", headers)));
    EXPECT_TRUE(is_signature_failure(server_.request(
        "DELETE", "/v2/" + project_id + "/checkpoints?app_name=b&stream_name=s", "", headers)));
    EXPECT_TRUE(is_signature_failure(server_.request("GET", target_, "", headers)));
    EXPECT_TRUE(reached_dis_handler(server_.request("DELETE", target_, "", headers)));
}

TEST_F(strict_signature, query_order_on_the_wire_does_not_matter) {
    const auto headers = client_.sdk("DELETE", target_);
    EXPECT_TRUE(reached_dis_handler(server_.request(
        "DELETE", "/v2/" + project_id + "/checkpoints?stream_name=s&app_name=a", "", headers)));
}

TEST_F(strict_signature, unsigned_header_changed_is_accepted_signed_header_changed_is_refused) {
    auto headers = client_.sdk("DELETE", target_, "", {{"X-Project-Id", project_id}});
    auto with_unsigned = headers;
    with_unsigned.emplace_back("User-Agent", "changed-after-signing");
    with_unsigned.emplace_back("X_Custom_Underscore", "never-signed");
    EXPECT_TRUE(reached_dis_handler(server_.request("DELETE", target_, "", with_unsigned)));
    EXPECT_TRUE(is_signature_failure(server_.request(
        "DELETE", target_, "", replaced(headers, "Content-Type", "application/json;charset=UTF-8"))));
    EXPECT_TRUE(is_signature_failure(
        server_.request("DELETE", target_, "", replaced(headers, "Host", "localhost:1"))));
    // Only outer whitespace of a signed value is insignificant.
    EXPECT_TRUE(reached_dis_handler(
        server_.request("DELETE", target_, "", replaced(headers, "X-Project-Id", project_id + "  "))));
}

TEST_F(strict_signature, x_sdk_date_must_be_within_15_minutes_of_the_server_clock) {
    for (const auto* date : {"20231114T215820Z", "20231114T222820Z"}) {  // exactly 15 minutes either side
        signer edge{server_.port(), ak, sk, date};
        EXPECT_TRUE(reached_dis_handler(server_.request("DELETE", target_, "", edge.sdk("DELETE", target_))))
            << date;
    }
    for (const auto* date : {"20231114T215819Z", "20231114T222821Z", "20231113T221320Z"}) {
        signer stale{server_.port(), ak, sk, date};
        const auto reply = server_.request("DELETE", target_, "", stale.sdk("DELETE", target_));
        EXPECT_TRUE(is_signature_failure(reply)) << date;
        EXPECT_NE(reply.body.find("more than 15 minutes"), std::string::npos) << reply.body;
    }
    const auto headers = client_.sdk("DELETE", target_);
    server_.clock().now_ms += 15 * 60 * 1000 + 1000;
    EXPECT_TRUE(is_signature_failure(server_.request("DELETE", target_, "", headers)));
}

TEST_F(strict_signature, missing_or_malformed_x_sdk_date_is_refused) {
    auto headers = client_.sdk("DELETE", target_);
    EXPECT_TRUE(is_signature_failure(
        server_.request("DELETE", target_, "", replaced(headers, "X-Sdk-Date", "2023-11-14"))));
    std::erase_if(headers, [](const auto& h) { return h.first == "X-Sdk-Date"; });
    EXPECT_TRUE(is_signature_failure(server_.request("DELETE", target_, "", headers)));
}

TEST_F(strict_signature, unknown_access_key_names_the_key) {
    signer stranger{server_.port(), "UNKNOWNAK0000000000X", sk};
    EXPECT_TRUE(is_gateway_error(
        server_.request("DELETE", target_, "", stranger.sdk("DELETE", target_)), 401, "APIGW.0301",
        "Incorrect IAM authentication information: Get secretKey failed,ak:UNKNOWNAK0000000000X,"
        "err:ak not exist"));
}

TEST_F(strict_signature, malformed_authorization_headers_are_refused_in_loose_mode_too) {
    test_server loose;
    const std::string zeros(64, '0');
    const std::vector<std::string> malformed{
        "Bearer abc",
        "SDK-HMAC-SHA256",
        "SDK-HMAC-SHA256 Access=" + ak,
        "SDK-HMAC-SHA256 Access=" + ak + ", SignedHeaders=host;x-sdk-date",
        "SDK-HMAC-SHA256 Access=, SignedHeaders=host;x-sdk-date, Signature=" + zeros,
        "SDK-HMAC-SHA256 Access=" + ak + ", SignedHeaders=, Signature=" + zeros,
        "SDK-HMAC-SHA256 Access=" + ak + ", SignedHeaders=host;x-sdk-date, Signature=" + std::string(64, 'A'),
        "SDK-HMAC-SHA256 Access=" + ak + ", SignedHeaders=host;x-sdk-date, Signature=" + zeros + "0",
        "SDK-HMAC-SHA256 Signature=" + zeros + ", Access=" + ak + ", SignedHeaders=host",
        "V11-HMAC-SHA256 Credential=" + ak + "/20231114/cn-north-4, SignedHeaders=host, Signature=" + zeros,
        "V11-HMAC-SHA256 Credential=" + ak +
            "/20231113/cn-north-4/dis, SignedHeaders=host, Signature=" + zeros,
        "V11-HMAC-SHA256 Credential=" + ak + "/20231114/" + std::string(129, 'r') +
            "/dis, SignedHeaders=host, Signature=" + zeros,
        "V11-HMAC-SHA256 Credential=" + ak + "/20231114/cn-north-4/" + std::string(40000, 's') +
            ", SignedHeaders=host, Signature=" + zeros,
        "SDK-HMAC-SM3 Access=" + ak + ", SignedHeaders=host;x-sdk-date, Signature=" + zeros,
        "SDK-ECDSA-P256-SHA256 Access=" + ak + ", SignedHeaders=host;x-sdk-date, Signature=" + zeros,
    };
    for (const auto* server : {&server_, &loose}) {
        for (const auto& value : malformed) {
            const header_list headers{{"X-Sdk-Date", now_date}, {"Authorization", value}};
            EXPECT_TRUE(is_signature_failure(server->request("DELETE", target_, "", headers))) << value;
            EXPECT_TRUE(is_signature_failure(server->request("GET", dms_path(), "", headers))) << value;
        }
    }
    // A well-formed header without X-Sdk-Date cannot have been signed by any key.
    const header_list undated{{"Authorization", "SDK-HMAC-SHA256 Access=" + ak +
                                                    ", SignedHeaders=host;x-sdk-date, Signature=" + zeros}};
    EXPECT_TRUE(is_signature_failure(loose.request("DELETE", target_, "", undated)));
}

TEST_F(strict_signature, lenient_about_spaces_after_the_commas) {
    auto headers = client_.sdk("DELETE", target_);
    for (auto& [name, value] : headers) {
        if (name == "Authorization") value = std::regex_replace(value, std::regex(", "), ",   ");
    }
    EXPECT_TRUE(reached_dis_handler(server_.request("DELETE", target_, "", headers)));
}

TEST_F(strict_signature, v11_with_a_wrong_secret_is_refused) {
    signer wrong{server_.port(), ak, "not-the-secret"};
    EXPECT_TRUE(is_signature_failure(server_.request("DELETE", target_, "", wrong.v11("DELETE", target_))));
}

TEST_F(strict_signature, temporary_credentials_need_their_security_token_signed) {
    signer temp{server_.port(), temp_ak, temp_sk};
    EXPECT_TRUE(reached_dis_handler(server_.request(
        "DELETE", target_, "", temp.sdk("DELETE", target_, "", {{"X-Security-Token", security_token}}))));
    EXPECT_TRUE(is_signature_failure(server_.request(
        "DELETE", target_, "", temp.sdk("DELETE", target_, "", {{"X-Security-Token", "other"}}))));
    EXPECT_TRUE(is_signature_failure(server_.request("DELETE", target_, "", temp.sdk("DELETE", target_))));
    // Sent, but added after signing, so it is not among the SignedHeaders.
    auto unsigned_token = temp.sdk("DELETE", target_);
    unsigned_token.emplace_back("X-Security-Token", security_token);
    EXPECT_TRUE(is_signature_failure(server_.request("DELETE", target_, "", unsigned_token)));
}

// ==== tokens (auth.md §1) ==========================================================================

TEST(auth_tokens, strict_accepts_configured_tokens_only) {
    test_server server(strict_settings());
    EXPECT_TRUE(reached_dis_handler(server.request("DELETE", dis_path, "", {{"X-Auth-Token", open_token}})));
    EXPECT_TRUE(reached_dms_handler(server.request("GET", dms_path(), "", {{"X-Auth-Token", bound_token}})));
    for (const auto& unknown : {std::string("MIIunknown"), open_token + "x", open_token.substr(1)}) {
        EXPECT_TRUE(is_gateway_error(server.request("DELETE", dis_path, "", {{"X-Auth-Token", unknown}}), 401,
                                     "APIGW.0301",
                                     "Incorrect IAM authentication information: decrypt token fail"));
        EXPECT_TRUE(is_gateway_error(server.request("GET", dms_path(), "", {{"X-Auth-Token", unknown}}), 401,
                                     "APIGW.0301",
                                     "Incorrect IAM authentication information: decrypt token fail"));
    }
}

TEST(auth_tokens, an_expired_token_is_refused_with_its_expiry) {
    test_server server(strict_settings());
    EXPECT_TRUE(
        reached_dis_handler(server.request("DELETE", dis_path, "", {{"X-Auth-Token", expiring_token}})));
    server.clock().now_ms = 1'700'001'000'000;
    EXPECT_TRUE(is_gateway_error(server.request("DELETE", dis_path, "", {{"X-Auth-Token", expiring_token}}),
                                 401, "APIGW.0301",
                                 "Incorrect IAM authentication information: token expires, expires_at: "
                                 "2023-11-14T22:30:00.000000Z"));
    EXPECT_TRUE(reached_dis_handler(server.request("DELETE", dis_path, "", {{"X-Auth-Token", open_token}})));
}

TEST(auth_tokens, a_token_wins_over_a_bad_signature_when_both_are_sent) {
    test_server server(strict_settings());
    const header_list both{{"X-Auth-Token", open_token}, {"Authorization", "garbage"}};
    EXPECT_TRUE(reached_dis_handler(server.request("DELETE", dis_path, "", both)));
}

// ==== the legacy DIS signature answers with DIS's 441 family (auth.md §5, §7.2, §7.3) ==============

class legacy_signature : public ::testing::Test {
  protected:
    std::string header(const std::string& credential,
                       const std::string& signed_headers = "content-type;host;x-sdk-date",
                       const std::string& signature = std::string(64, '0')) const {
        return "SDK-HMAC-SHA256 Credential=" + credential + ", SignedHeaders=" + signed_headers +
               ", Signature=" + signature;
    }
    http_reply send(const test_server& server, const std::string& authorization,
                    const std::string& date = now_date) const {
        header_list headers{{"Authorization", authorization}};
        if (!date.empty()) headers.emplace_back("X-Sdk-Date", date);
        return server.request("DELETE", dis_path, "", headers);
    }
    const std::string scope_ = "/20231114/cn-north-4/dis/sdk_request";
};

TEST_F(legacy_signature, malformed_headers_get_their_441_codes_in_loose_and_strict_mode) {
    test_server loose;
    test_server strict(strict_settings());
    const std::string zeros(64, '0');
    struct bad_case {
        std::string authorization;
        std::string date;
        std::string code;
        std::string message;
    };
    const std::vector<bad_case> cases{
        {"SDK-HMAC-SHA256 Credential=" + ak + scope_ + ", SignedHeaders=host", now_date, "DIS.4109",
         "The Authorization header must contain the following field: {Credential,SignedHeaders,Signature;}"},
        {"SDK-HMAC-SHA256 Credential=" + ak + scope_ + ", Signature=" + zeros, now_date, "DIS.4109",
         "The Authorization header must contain the following field: {Credential,SignedHeaders,Signature;}"},
        {"SDK-HMAC-SHA256 Credential=" + ak + scope_ + ", garbage", now_date, "DIS.4102",
         "Incorrectly parsed authorization header."},
        {header(ak + "/20231114/cn-north-4/dis"), now_date, "DIS.4102",
         "Incorrectly parsed authorization header."},
        {header(ak + scope_, "host", "xyz"), now_date, "DIS.4102",
         "Incorrectly parsed authorization header."},
        {header(scope_), now_date, "DIS.4106", "Empty AcessKey header."},
        {header(ak + "/20231114/cn-north-4//sdk_request"), now_date, "DIS.4108", "Empty ServiceName header."},
        {header(ak + "/20231114/cn-north-4/kafka/sdk_request"), now_date, "DIS.4108",
         "Empty ServiceName header."},
        {header(ak + "/20231114//dis/sdk_request"), now_date, "DIS.4111", "Invalid Region header."},
        {header(ak + scope_, ""), now_date, "DIS.4110", "Empty Signature header."},
        {header(ak + scope_), "", "DIS.4103", "Empty X-Sdk-Date header."},
        {header(ak + scope_), "2023-11-14T22:13:20Z", "DIS.4104", "Error parsing X-Sdk-Date header."},
        {header(ak + "/20231113/cn-north-4/dis/sdk_request"), now_date, "DIS.4105",
         "Invalid X-Sdk-Date header."},
    };
    for (const auto* server : {&loose, &strict}) {
        for (const auto& c : cases) {
            EXPECT_TRUE(is_dis_answer(send(*server, c.authorization, c.date), 441, c.code, c.message))
                << c.authorization;
        }
    }
}

TEST_F(legacy_signature, strict_verifies_key_time_and_signature) {
    test_server server(strict_settings());
    signer wrong{server.port(), ak, "not-the-secret"};
    EXPECT_TRUE(is_dis_answer(server.request("DELETE", dis_path, "", wrong.legacy("DELETE", dis_path)), 441,
                              "DIS.4100", "Authorization error."));
    signer stranger{server.port(), "UNKNOWNAK0000000000X", sk};
    EXPECT_TRUE(is_dis_answer(server.request("DELETE", dis_path, "", stranger.legacy("DELETE", dis_path)),
                              441, "DIS.4107", "Invalid AcessKey header."));
    signer stale{server.port(), ak, sk, "20231114T215819Z"};
    EXPECT_TRUE(is_dis_answer(server.request("DELETE", dis_path, "", stale.legacy("DELETE", dis_path)), 441,
                              "DIS.4105", "Invalid X-Sdk-Date header."));
    signer good{server.port()};
    const auto headers = good.legacy("DELETE", dis_path);
    EXPECT_TRUE(is_dis_answer(server.request("DELETE", dis_path + "&x=1", "", headers), 441, "DIS.4100",
                              "Authorization error."));
    EXPECT_TRUE(reached_dis_handler(server.request("DELETE", dis_path, "", headers)));
}

TEST_F(legacy_signature, on_a_dms_route_it_is_the_gateway_that_refuses) {
    test_server server(strict_settings());
    signer good{server.port()};
    EXPECT_TRUE(is_signature_failure(server.request("GET", dms_path(), "", good.legacy("GET", dms_path()))));
    test_server loose;
    EXPECT_TRUE(is_signature_failure(loose.request(
        "GET", dms_path(), "", {{"Authorization", header(ak + scope_)}, {"X-Sdk-Date", now_date}})));
}

// ==== project binding =============================================================================

TEST(auth_projects, a_bound_key_works_on_its_project_and_is_refused_elsewhere_in_each_services_words) {
    test_server server(strict_settings());
    signer bound{server.port(), bound_ak, bound_sk};
    const std::string other_dis = "/v2/" + other_project_id + "/checkpoints?app_name=a&stream_name=s";
    EXPECT_TRUE(reached_dis_handler(server.request("DELETE", dis_path, "", bound.sdk("DELETE", dis_path))));
    EXPECT_TRUE(reached_dms_handler(server.request("GET", dms_path(), "", bound.sdk("GET", dms_path()))));
    EXPECT_TRUE(is_dis_answer(server.request("DELETE", other_dis, "", bound.sdk("DELETE", other_dis)), 400,
                              "DIS.4117", "Invalid Project Id. [" + other_project_id + "]"));
    EXPECT_TRUE(is_dis_answer(server.request("DELETE", other_dis, "", bound.legacy("DELETE", other_dis)), 400,
                              "DIS.4117", "Invalid Project Id. [" + other_project_id + "]"));
    const auto reply =
        server.request("GET", dms_path(other_project_id), "", bound.sdk("GET", dms_path(other_project_id)));
    EXPECT_EQ(reply.status, 401U);
    EXPECT_EQ(reply.body,
              R"({"error_code":"DMS.10240104","error_msg":"The project ID and token do not match."})");
    EXPECT_EQ(reply.header("x-request-id").size(), 32U);
}

TEST(auth_projects, a_bound_token_likewise_and_unbound_credentials_work_everywhere) {
    test_server server(strict_settings());
    const std::string other_dis = "/v2/" + other_project_id + "/checkpoints?app_name=a&stream_name=s";
    EXPECT_TRUE(is_dis_answer(server.request("DELETE", other_dis, "", {{"X-Auth-Token", bound_token}}), 400,
                              "DIS.4117", "Invalid Project Id. [" + other_project_id + "]"));
    const auto reply = server.request("GET", dms_path(other_project_id), "", {{"X-Auth-Token", bound_token}});
    EXPECT_EQ(reply.status, 401U);
    EXPECT_EQ(reply.body,
              R"({"error_code":"DMS.10240104","error_msg":"The project ID and token do not match."})");
    signer open{server.port()};
    EXPECT_TRUE(reached_dis_handler(server.request("DELETE", other_dis, "", {{"X-Auth-Token", open_token}})));
    EXPECT_TRUE(reached_dis_handler(server.request("DELETE", other_dis, "", open.sdk("DELETE", other_dis))));
    EXPECT_TRUE(reached_dms_handler(
        server.request("GET", dms_path(other_project_id), "", open.sdk("GET", dms_path(other_project_id)))));
}

TEST(auth_projects, loose_mode_binds_nothing) {
    routes::auth::auth_settings settings = strict_settings();
    settings.mode = routes::auth::auth_mode::loose;
    test_server server(settings);
    const std::string other_dis = "/v2/" + other_project_id + "/checkpoints?app_name=a&stream_name=s";
    EXPECT_TRUE(
        reached_dis_handler(server.request("DELETE", other_dis, "", {{"X-Auth-Token", bound_token}})));
}

// ==== tenancy: the same names in two projects never meet ==============================================

const std::string shared_instance = "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";

std::string tenant_fixture() {
    std::string projects;
    for (const auto& project : {project_id, other_project_id}) {
        if (!projects.empty()) projects += ",";
        projects +=
            R"({"project_id":")" + project + R"(","kafka":{"instances":[{"instance_id":")" + shared_instance +
            R"(","name":"shared-kafka","topics":[{"id":"orders","partition":1,"partitions":[{"partition":0,)"
            R"("messages":[{"value":"a"},{"value":"b"},{"value":"c"}]}]}]}]},)"
            R"("dis":{"streams":[{"stream_name":"orders","partition_count":1,"records":[{"partition_id":"0","data":"aGk="},)"
            R"({"partition_id":"0","data":"aGk="}]}],"apps":[{"app_name":"billing"}],)"
            R"("checkpoints":[{"app_name":"billing","stream_name":"orders","partition_id":"0","sequence_number":"1"}]}})";
    }
    return R"({"projects":[)" + projects + "]}";
}

class tenancy : public ::testing::Test {
  protected:
    void SetUp() override {
        routes::control::load_fixture_text(tenant_fixture(), "tenancy", server_.state());
    }

    header_list token_of(const std::string& project) const {
        return {{"X-Auth-Token", project == project_id ? bound_token : other_token}};
    }
    http_reply beginning(const std::string& project) const {
        return server_.request("GET",
                               "/v2/" + project + "/instances/" + shared_instance +
                                   "/management/topics/orders/partitions/0/beginning-message",
                               "", token_of(project));
    }
    http_reply checkpoint(const std::string& project) const {
        return server_.request(
            "GET",
            "/v2/" + project +
                "/checkpoints?stream_name=orders&partition_id=0&app_name=billing&checkpoint_type=LAST_READ",
            "", token_of(project));
    }

    static routes::auth::auth_settings settings() {
        auto s = strict_settings();
        s.tokens.push_back({other_token, other_project_id, "", std::nullopt});
        return s;
    }
    static inline const std::string other_token = "MIIbound-token-other-project";
    test_server server_{settings()};
};

TEST_F(tenancy, deleting_kafka_messages_in_one_project_leaves_the_namesake_untouched) {
    const auto remove = server_.request(
        "POST",
        "/v2/" + project_id + "/kafka/instances/" + shared_instance + "/topics/orders/messages/delete",
        R"({"partitions":[{"partition":0,"offset":2}]})", token_of(project_id));
    ASSERT_EQ(remove.status, 200U) << remove.body;
    EXPECT_EQ(beginning(project_id).json()["offset"].GetInt(), 2);
    EXPECT_EQ(beginning(other_project_id).json()["offset"].GetInt(), 0);
}

TEST_F(tenancy, deleting_a_dis_checkpoint_in_one_project_leaves_the_namesake_untouched) {
    const auto remove = server_.request(
        "DELETE",
        "/v2/" + project_id + "/checkpoints?app_name=billing&checkpoint_type=LAST_READ&stream_name=orders",
        "", token_of(project_id));
    ASSERT_EQ(remove.status, 204U) << remove.body;
    EXPECT_STREQ(checkpoint(project_id).json()["sequence_number"].GetString(), "-1");
    EXPECT_STREQ(checkpoint(other_project_id).json()["sequence_number"].GetString(), "1");
}

TEST_F(tenancy, each_projects_token_reaches_only_its_own_namesakes) {
    EXPECT_EQ(beginning(project_id).status, 200U);
    EXPECT_EQ(beginning(other_project_id).status, 200U);
    const auto crossed = server_.request(
        "GET", "/v2/" + other_project_id + "/checkpoints?stream_name=orders&partition_id=0&app_name=billing",
        "", token_of(project_id));
    EXPECT_TRUE(is_dis_answer(crossed, 400, "DIS.4117", "Invalid Project Id. [" + other_project_id + "]"));
    const auto crossed_dms = server_.request("GET", "/v2/" + project_id + "/instances/" + shared_instance, "",
                                             token_of(other_project_id));
    EXPECT_EQ(crossed_dms.status, 401U);
    EXPECT_NE(crossed_dms.body.find("DMS.10240104"), std::string::npos);
}

// ==== the credentials file ========================================================================

std::string load_error(const std::string& text) {
    routes::auth::auth_settings settings;
    try {
        routes::auth::load_credentials_text(text, "creds.json", settings);
    } catch (const routes::auth::credentials_error& error) {
        return error.what();
    }
    return "no error";
}

TEST(auth_credentials_file, reads_keys_and_tokens_with_optional_projects) {
    routes::auth::auth_settings settings;
    routes::auth::load_credentials_text(
        R"({"credentials":[{"ak":"A1","sk":"S1"},{"ak":"A2","sk":"S2","project_id":")" + project_id +
            R"(","security_token":"T"}],"tokens":[{"token":"MII1"},)"
            R"({"token":"MII2","project_id":")" +
            project_id + R"("}]})",
        "creds.json", settings);
    ASSERT_EQ(settings.credentials.size(), 2U);
    EXPECT_EQ(settings.credentials[0].ak, "A1");
    EXPECT_EQ(settings.credentials[0].project_id, "");
    EXPECT_EQ(settings.credentials[1].project_id, project_id);
    EXPECT_EQ(settings.credentials[1].security_token, "T");
    ASSERT_EQ(settings.tokens.size(), 2U);
    EXPECT_EQ(settings.tokens[1].token, "MII2");
    EXPECT_EQ(settings.tokens[1].project_id, project_id);
    EXPECT_FALSE(settings.tokens[1].expires_s);
    routes::auth::load_credentials_text(
        R"({"tokens":[{"token":"MII3","expires_at":"2023-11-14T22:13:20.123456Z"}]})", "creds.json",
        settings);
    EXPECT_EQ(settings.tokens[0].expires_s, 1'700'000'000);
    EXPECT_EQ(settings.tokens[0].expires_at, "2023-11-14T22:13:20.123456Z");
    routes::auth::load_credentials_text("{}", "empty.json", settings);
    EXPECT_TRUE(settings.credentials.empty());
}

TEST(auth_credentials_file, errors_name_the_file_the_json_path_and_the_problem_but_never_a_secret) {
    EXPECT_EQ(load_error("{"), "creds.json: $: not valid JSON at byte 1: Missing a name for object member.");
    EXPECT_EQ(load_error("[]"), "creds.json: $: must be an object");
    EXPECT_EQ(load_error(R"({"keys":[]})"), R"(creds.json: $: unknown key "keys")");
    EXPECT_EQ(load_error(R"({"credentials":{}})"), "creds.json: $.credentials: must be an array");
    EXPECT_EQ(load_error(R"({"credentials":[{"ak":"A"}]})"), R"(creds.json: $.credentials[0]: missing "sk")");
    EXPECT_EQ(load_error(R"({"credentials":[{"ak":"A","sk":""}]})"),
              "creds.json: $.credentials[0].sk: must be a non-empty string");
    EXPECT_EQ(load_error(R"({"credentials":[{"ak":"A","sk":"s3cr3t","project":"x"}]})"),
              R"(creds.json: $.credentials[0]: unknown key "project")");
    EXPECT_EQ(load_error(R"({"credentials":[{"ak":"A","sk":"s3cr3t","project_id":"XYZ"}]})"),
              "creds.json: $.credentials[0].project_id: must be 32 lower-case hexadecimal characters");
    EXPECT_EQ(load_error(R"({"credentials":[{"ak":"A","sk":"s3cr3t"},{"ak":"A","sk":"other"}]})"),
              "creds.json: $.credentials[1].ak: the access key A is listed twice");
    EXPECT_EQ(load_error(R"({"tokens":[{"token":"MIIsecret"},{"token":"MIIsecret"}]})"),
              "creds.json: $.tokens[1].token: the same token is listed twice");
    EXPECT_EQ(load_error(R"({"tokens":[{"token":7}]})"),
              "creds.json: $.tokens[0].token: must be a non-empty string");
    EXPECT_EQ(load_error(R"({"tokens":["MIIsecret"]})"), "creds.json: $.tokens[0]: must be an object");
    for (const auto* bad :
         {"2023-11-14 22:13:20Z", "2023-11-14T22:13:20", "2023-11-14T22:13:20.Z", "2023-13-14T22:13:20Z"}) {
        EXPECT_EQ(load_error(std::string(R"({"tokens":[{"token":"MII","expires_at":")") + bad + "\"}]}"),
                  "creds.json: $.tokens[0].expires_at: must be a UTC time like 2026-11-25T09:00:00.000000Z")
            << bad;
    }
    routes::auth::auth_settings settings;
    EXPECT_THROW(routes::auth::load_credentials_file("/nonexistent/creds.json", settings),
                 routes::auth::credentials_error);
}

TEST(auth_credentials_file, example_file_loads) {
    routes::auth::auth_settings settings;
    routes::auth::load_credentials_file(std::string(EMU_SOURCE_DIR) + "/examples/credentials.json", settings);
    EXPECT_FALSE(settings.credentials.empty());
    EXPECT_FALSE(settings.tokens.empty());
}

}  // namespace
}  // namespace emu::test
