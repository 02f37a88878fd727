// The dedicated DIS SDKs' signatures over the real server (dis-native-sdks.md §2, auth.md §5): each
// request carries the headers, query writing and body its SDK puts on the wire, signed by the test
// signer's model of that SDK (tests/support/sdk_signer), in strict and loose mode, with the refusals.
#include <gtest/gtest.h>

#include <map>

#include "routes/auth/authenticate.hpp"
#include "routes/auth/signing.hpp"
#include "tests/support/sdk_signer.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

const std::string ak = "EXAMPLEAK0000000NSDK";
const std::string sk = "nativeSdkSecretKey0123456789abcdefNATIVE";
const std::string temp_ak = "EXAMPLEAKNATIVETEMP1";
const std::string temp_sk = "nativeTemporarySecret0123456789abcdefTMP";
const std::string security_token = "nativeSecurityTokenExample";
const std::string now_date = "20231114T221320Z";  // the manual clock's start
const std::string empty_hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

routes::auth::auth_settings strict_settings() {
    routes::auth::auth_settings settings;
    settings.mode = routes::auth::auth_mode::strict;
    settings.credentials = {{ak, sk, "", ""}, {temp_ak, temp_sk, "", security_token}};
    settings.tokens = {{test_token, "", "", std::nullopt}};
    return settings;
}

std::string p(const std::string& rest) {
    return "/v2/" + project_id + rest;
}

// One SDK's client: signs as that SDK signs and writes the query and headers as it writes them.
struct native_client {
    native_client(std::uint16_t server_port, dis_sdk which, bool derive = false)
        : port(server_port), sdk(which), derived(derive) {}

    std::uint16_t port;
    dis_sdk sdk;
    bool derived;  // Python's default (derivationKeySwitch=True): V11-HMAC-SHA256
    std::string access_key = ak;
    std::string secret_key = sk;
    std::string date = now_date;
    std::string region = "cn-north-4";
    std::string token;        // a temporary credential's X-Security-Token
    std::string host_header;  // the Host the request is signed with and sent with; empty: 127.0.0.1:<port>

    std::string host() const {
        return host_header.empty() ? "127.0.0.1:" + std::to_string(port) : host_header;
    }

    // The headers the SDK holds when it signs; all of them are signed.
    name_values signing_headers(const std::string& body) const {
        switch (sdk) {
            case dis_sdk::java: {  // AbstractDISClient.beforeRequest, then the signer's Host and X-Sdk-Date
                name_values headers{{"X-Project-Id", project_id}};
                if (!token.empty()) headers.emplace_back("X-Security-Token", token);
                headers.insert(headers.end(), {{"Content-Type", "application/json; charset=utf-8"},
                                               {"accept", "*/*; charset=utf-8"},
                                               {"X-SDK-Version", "1.3.5-SNAPSHOT/java"},
                                               {"Host", host()},
                                               {"X-Sdk-Date", date}});
                return headers;
            }
            case dis_sdk::go: {  // do_http.go InitConect, dis_common.go initDis
                name_values headers{
                    {"Host", host()}, {"X-Sdk-Date", date}, {"X-Sdk-Content-Sha256", empty_hash}};
                if (!body.empty()) headers.emplace_back("Content-Length", std::to_string(body.size()));
                headers.emplace_back("Content-Type", "application/json;charset=UTF-8");
                return headers;
            }
            case dis_sdk::python:  // disauth.py Sign / SignWithDerivationKey
                return {{"x-sdk-date", date}, {"host", host()}};
        }
        return {};
    }

    // The query as each SDK writes it: Java unencoded in HashMap order with a trailing '&', Go in map order
    // with an empty value as a bare name, Python through requests (`name=` for an empty value).
    std::string target(const std::string& path, const name_values& query) const {
        std::string text;
        for (const auto& [name, value] : query) {
            switch (sdk) {
                case dis_sdk::java:
                    text += name + "=" + value + "&";
                    break;
                case dis_sdk::go:
                    text += (text.empty() ? "" : "&") + name + (value.empty() ? "" : "=" + value);
                    break;
                case dis_sdk::python:
                    text += (text.empty() ? "" : "&") + sdk_encode(name) + "=" + sdk_encode(value);
                    break;
            }
        }
        return text.empty() ? path : path + "?" + text;
    }

    // Every header the request goes out with. `path` is the SDK's path: the Java SDK ends every path with
    // '/', which it signs; this branch's router has no trailing-slash routes yet, so the Java request goes
    // to the path without it (the canonical URI of the DIS scheme ends with '/' either way).
    header_list headers(const std::string& method, const std::string& path, const name_values& query,
                        const std::string& body) const {
        const auto signing = signing_headers(body);
        const signable_request request{method, sdk == dis_sdk::java ? path + "/" : path, query, signing,
                                       body};
        header_list out(signing.begin(), signing.end());
        out.emplace_back("Authorization",
                         dis_sdk_authorization(sdk, request, access_key, secret_key, region, derived));
        if (sdk == dis_sdk::python) {  // set after signing, so not signed
            out.insert(out.end(), {{"content-length", std::to_string(body.size())},
                                   {"user-agent", "dis-python-sdk-v-2.0.0"},
                                   {"Content-Type", "application/json; charset=UTF-8"},
                                   {"Accept-Encoding", "gzip, deflate"},
                                   {"Accept", "*/*"}});
            if (!token.empty()) out.emplace_back("X-Security-Token", token);
        }
        if (sdk == dis_sdk::go)
            out.insert(out.end(), {{"User-Agent", "Go-http-client/1.1"}, {"Accept-Encoding", "gzip"}});
        return out;
    }

    http_reply send(const std::string& method, const std::string& path, const name_values& query = {},
                    const std::string& body = {}) const {
        return http_request(port, method, target(path, query), body, headers(method, path, query, body));
    }
};

::testing::AssertionResult is_dis_answer(const http_reply& reply, unsigned status, const std::string& code,
                                         const std::string& message) {
    const auto body = reply.json();
    if (reply.status != status || !body.IsObject() || body.MemberCount() != 2 ||
        !body.HasMember("errorCode") || !body.HasMember("message") || body["errorCode"] != code.c_str() ||
        body["message"] != message.c_str() || reply.header("x-request-id").size() != 32) {
        return ::testing::AssertionFailure() << reply.status << " " << reply.body;
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult is_refused(const http_reply& reply, const std::string& code) {
    static const std::map<std::string, std::string> messages{
        {"DIS.4100", "Authorization error."},
        {"DIS.4102", "Incorrectly parsed authorization header."},
        {"DIS.4105", "Invalid X-Sdk-Date header."},
        {"DIS.4107", "Invalid AcessKey header."},
        {"DIS.4108", "Empty ServiceName header."},
        {"DIS.4111", "Invalid Region header."},
        {"DIS.4109",
         "The Authorization header must contain the following field: {Credential,SignedHeaders,Signature;}"}};
    return is_dis_answer(reply, 441, code, messages.at(code));
}

::testing::AssertionResult is_missing_stream(const http_reply& reply, const std::string& stream) {
    return is_dis_answer(reply, 400, "DIS.4301",
                         "The stream does not exist. [" + stream + "][" + project_id + "]");
}

::testing::AssertionResult is_gateway_signature_failure(const http_reply& reply) {
    const auto body = reply.json();
    if (reply.status != 401 || !body.IsObject() || !body.HasMember("error_code") ||
        body["error_code"] != "APIGW.0301" ||
        std::string(body["error_msg"].GetString())
                .find("Incorrect IAM authentication information: verify aksk signature fail") != 0) {
        return ::testing::AssertionFailure() << reply.status << " " << reply.body;
    }
    return ::testing::AssertionSuccess();
}

// Whether an app exists, asked with a token.
unsigned app_status(const test_server& server, const std::string& app) {
    return server.request("GET", p("/apps/" + app)).status;
}

class dis_sdk_signatures : public ::testing::Test {
  protected:
    native_client java() const { return {server_.port(), dis_sdk::java}; }
    native_client go() const {
        native_client client{server_.port(), dis_sdk::go};
        client.region = "CHINA";  // the Go SDK's default region (dis_init.go)
        return client;
    }
    native_client python(bool derived) const { return {server_.port(), dis_sdk::python, derived}; }
    // The four forms: Java, Go, Python without derivation (SDK-HMAC-SHA256), Python's default (V11).
    std::vector<native_client> every_form() const { return {java(), go(), python(false), python(true)}; }

    test_server server_{strict_settings()};
};

// ==== strict: each SDK's own requests verify ===========================================================

TEST_F(dis_sdk_signatures, java_requests_verify_with_all_their_headers_and_an_empty_query_value) {
    // DescribeStream as the Kafka adapter's seekToBeginning sends it for partition 0.
    EXPECT_TRUE(is_missing_stream(
        java().send("GET", p("/streams/orders"),
                    {{"stream_name", "orders"}, {"start_partitionId", ""}, {"limit_partitions", "100"}}),
        "orders"));
    EXPECT_EQ(java().send("POST", p("/apps"), {}, R"({"app_name":"java-app"})").status, 201U);
    EXPECT_EQ(app_status(server_, "java-app"), 200U);
}

TEST_F(dis_sdk_signatures, go_requests_verify_with_the_declared_empty_body_hash_and_bare_empty_values) {
    const auto created = go().send("POST", p("/apps"), {}, R"({"app_name":"go-app"})");
    EXPECT_EQ(created.status, 201U) << created.body;
    EXPECT_TRUE(
        is_missing_stream(go().send("GET", p("/streams/orders"), {{"limit_partitions", "100"}}), "orders"));
    // GetCheckpoint sends its four names even when empty: `checkpoint_type` bare on the wire, signed as
    // `checkpoint_type=`. Past authentication, the handler refuses the empty type.
    const auto checkpoint = go().send("GET", p("/checkpoints"),
                                      {{"stream_name", "orders"},
                                       {"partition_id", "0"},
                                       {"app_name", "go-app"},
                                       {"checkpoint_type", ""},
                                       {"timestamp", "0"}});
    EXPECT_TRUE(
        is_dis_answer(checkpoint, 400, "DIS.4200", "Invalid request. [checkpoint_type: must be LAST_READ]"));
}

TEST_F(dis_sdk_signatures, python_requests_verify_signed_with_the_host_without_its_port) {
    for (const bool derived : {true, false}) {
        const auto client = python(derived);
        EXPECT_TRUE(is_missing_stream(
            client.send("GET", p("/streams/orders"), {{"limit_partitions", "1000"}}), "orders"))
            << derived;
        EXPECT_TRUE(
            is_missing_stream(client.send("PUT", p("/streams/orders"), {},
                                          R"({"stream_name": "orders", "target_partition_count": 2})"),
                              "orders"))
            << derived;
        const auto listed = client.send("GET", p("/apps"), {{"limit", "100"}});
        EXPECT_EQ(listed.status, 200U) << listed.body;
    }
}

TEST_F(dis_sdk_signatures, a_host_sent_without_a_port_verifies_too) {
    for (auto client : every_form()) {
        client.host_header = "127.0.0.1";
        EXPECT_TRUE(is_missing_stream(client.send("GET", p("/streams/orders")), "orders"));
    }
}

// ==== strict: the refusals of each form =============================================================

TEST_F(dis_sdk_signatures, a_wrong_secret_is_refused_in_every_form) {
    for (auto client : every_form()) {
        client.secret_key = "not-the-secret";
        EXPECT_TRUE(
            is_refused(client.send("POST", p("/apps"), {}, R"({"app_name":"wrong-secret"})"), "DIS.4100"));
        EXPECT_TRUE(
            is_refused(client.send("GET", p("/streams/orders"), {{"limit_partitions", "100"}}), "DIS.4100"));
    }
    EXPECT_EQ(app_status(server_, "wrong-secret"), 400U);
}

TEST_F(dis_sdk_signatures, a_tampered_body_is_refused_in_every_form) {
    for (const auto& client : every_form()) {
        const auto headers = client.headers("POST", p("/apps"), {}, R"({"app_name":"signed-one"})");
        // The same length, so even the Go SDK's signed Content-Length still matches.
        EXPECT_TRUE(is_refused(
            http_request(server_.port(), "POST", p("/apps"), R"({"app_name":"tampered-1"})", headers),
            "DIS.4100"));
    }
    EXPECT_EQ(app_status(server_, "tampered-1"), 400U);
    EXPECT_EQ(app_status(server_, "signed-one"), 400U);
}

TEST_F(dis_sdk_signatures, a_stale_date_is_refused_in_every_form) {
    for (auto client : every_form()) {
        client.date = "20231114T215819Z";  // 15 minutes and 1 second before the server clock
        EXPECT_TRUE(is_refused(client.send("POST", p("/apps"), {}, R"({"app_name":"stale"})"), "DIS.4105"));
        client.date = "20231114T215820Z";  // exactly 15 minutes: still accepted
        EXPECT_TRUE(is_missing_stream(client.send("GET", p("/streams/orders")), "orders"));
    }
    EXPECT_EQ(app_status(server_, "stale"), 400U);
}

TEST_F(dis_sdk_signatures, an_unknown_key_or_a_changed_signed_header_or_query_is_refused_in_every_form) {
    for (auto client : every_form()) {
        auto stranger = client;
        stranger.access_key = "UNKNOWNAK00000000NSDK";
        EXPECT_TRUE(is_refused(stranger.send("GET", p("/streams/orders")), "DIS.4107"));
        // Another host than the one signed, with or without its port.
        for (const auto& other : {"localhost:" + std::to_string(server_.port()), std::string("localhost")}) {
            auto headers = client.headers("GET", p("/streams/orders"), {}, "");
            for (auto& [name, value] : headers) {
                if (name == "Host" || name == "host") value = other;
            }
            EXPECT_TRUE(is_refused(http_request(server_.port(), "GET", p("/streams/orders"), "", headers),
                                   "DIS.4100"));
        }
        // A query parameter added after signing.
        const auto signed_headers =
            client.headers("GET", p("/streams/orders"), {{"limit_partitions", "100"}}, "");
        EXPECT_TRUE(is_refused(
            http_request(server_.port(), "GET", p("/streams/orders?limit_partitions=100&start_partitionId=x"),
                         "", signed_headers),
            "DIS.4100"));
    }
}

TEST_F(dis_sdk_signatures, the_portless_host_is_a_dis_sdk_leniency_the_sdk_cores_v11_does_not_get) {
    // The SDK core's four-part V11 signed over "host:127.0.0.1" while the request says 127.0.0.1:<port>.
    routes::request_context ctx;
    routes::parse_target(ctx, p("/streams/orders"));
    ctx.headers = {{"Content-Type", "application/json"}, {"X-Sdk-Date", now_date}, {"Host", "127.0.0.1"}};
    const std::string names = "content-type;host;x-sdk-date";
    const std::string info = "20231114/cn-north-4/dis";
    const auto canonical =
        routes::auth::signing::canonical_request({"GET", ctx.raw_path, &ctx.query, &ctx.headers, ""}, names);
    const header_list headers{
        {"Content-Type", "application/json"},
        {"X-Sdk-Date", now_date},
        {"Authorization",
         "V11-HMAC-SHA256 Credential=" + ak + "/" + info + ", SignedHeaders=" + names +
             ", Signature=" + routes::auth::signing::v11_signature(ak, sk, now_date, info, canonical)}};
    EXPECT_TRUE(
        is_gateway_signature_failure(http_request(server_.port(), "GET", p("/streams/orders"), "", headers)));
}

TEST_F(dis_sdk_signatures, temporary_credentials_need_their_security_token) {
    auto java_temp = java();
    java_temp.access_key = temp_ak;
    java_temp.secret_key = temp_sk;
    java_temp.token = security_token;  // Java sets it before signing, so it is signed
    EXPECT_TRUE(is_missing_stream(java_temp.send("GET", p("/streams/orders")), "orders"));
    auto python_temp = python(true);
    python_temp.access_key = temp_ak;
    python_temp.secret_key = temp_sk;
    python_temp.token = security_token;  // Python adds it after signing
    EXPECT_TRUE(is_missing_stream(python_temp.send("GET", p("/streams/orders")), "orders"));
    for (auto client : {java_temp, python_temp}) {
        client.token = "";
        EXPECT_TRUE(is_refused(client.send("GET", p("/streams/orders")), "DIS.4100"));
        client.token = "another-token";
        EXPECT_TRUE(is_refused(client.send("GET", p("/streams/orders")), "DIS.4100"));
    }
}

// ==== loose: any key; malformed forms get DIS's 441 codes in both modes ===============================

TEST(dis_sdk_signatures_loose, every_form_passes_with_any_key_and_secret) {
    test_server server;
    for (const bool python_derived : {false, true}) {
        for (const auto sdk : {dis_sdk::java, dis_sdk::go, dis_sdk::python}) {
            native_client client{server.port(), sdk, python_derived && sdk == dis_sdk::python};
            client.access_key = "ANYKEY";
            client.secret_key = "any-secret";
            client.date = "20231113T221320Z";  // loose mode checks form, not time
            EXPECT_TRUE(is_missing_stream(
                client.send("GET", p("/streams/orders"), {{"limit_partitions", "100"}}), "orders"));
        }
    }
}

TEST(dis_sdk_signatures_loose, the_python_v11_form_gets_dis_codes_for_its_parts_in_both_modes) {
    test_server loose;
    test_server strict(strict_settings());
    const std::string zeros(64, '0');
    const auto v11 = [&](const std::string& credential,
                         const std::string& signed_headers = "host;x-sdk-date") {
        return "V11-HMAC-SHA256 Credential=" + credential + ", SignedHeaders=" + signed_headers +
               ", Signature=" + zeros;
    };
    struct bad_case {
        std::string authorization;
        std::string code;
    };
    const std::vector<bad_case> cases{
        {v11(ak + "/20231114/cn-north-4/kafka/sdk_request"), "DIS.4108"},
        {v11(ak + "/20231114/cn-north-4/dis/other"), "DIS.4102"},
        {v11(ak + "/2023111/cn-north-4/dis/sdk_request"), "DIS.4102"},
        {v11(ak + "/20231113/cn-north-4/dis/sdk_request"), "DIS.4105"},
        {v11(ak + "/20231114//dis/sdk_request"), "DIS.4111"},
        {v11(ak + "/20231114/" + std::string(129, 'r') + "/dis/sdk_request"), "DIS.4111"},
        {v11(ak + "/20231114/cn-north-4/dis/sdk_request", "Host;x-sdk-date"), "DIS.4102"},
        {"V11-HMAC-SHA256 Credential=" + ak + "/20231114/cn-north-4/dis/sdk_request, SignedHeaders=host",
         "DIS.4109"},
    };
    for (const auto* server : {&loose, &strict}) {
        for (const auto& c : cases) {
            const header_list headers{{"Authorization", c.authorization}, {"X-Sdk-Date", now_date}};
            EXPECT_TRUE(
                is_refused(http_request(server->port(), "GET", p("/streams/orders"), "", headers), c.code))
                << c.authorization;
        }
        // On a DMS route it is the gateway that refuses, as for the SDK-HMAC-SHA256 Credential= form.
        const header_list dms{{"Authorization", v11(ak + "/20231114/cn-north-4/dis/sdk_request")},
                              {"X-Sdk-Date", now_date}};
        EXPECT_TRUE(is_gateway_signature_failure(
            http_request(server->port(), "GET",
                         "/v2/" + project_id + "/instances/00000000-0000-4000-8000-000000000000", "", dms)));
    }
    // A long region with a configured key reaches no HKDF limit: it is refused first.
    native_client client{strict.port(), dis_sdk::python, true};
    client.region = std::string(129, 'r');
    EXPECT_TRUE(is_refused(client.send("GET", p("/streams/orders")), "DIS.4111"));
    client.region = std::string(128, 'r');
    EXPECT_TRUE(is_missing_stream(client.send("GET", p("/streams/orders")), "orders"));
}

}  // namespace
}  // namespace emu::test
