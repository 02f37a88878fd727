// The test signer against the vectors of shared/reference/auth.md §6 (computed there with the official SDK
// core's signer and the legacy DIS SDK's): if these pass, requests the route tests sign are signed as the
// SDKs sign them.
#include "tests/support/sdk_signer.hpp"

#include <gtest/gtest.h>

namespace emu::test {
namespace {

const std::string ak = "EXAMPLEAK0000000DIS1";
const std::string sk = "exampleSecretKey0123456789abcdefEXAMPLESK";
const std::string pid = "0123456789abcdef0123456789abcdef";
const std::string empty_hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// The common headers of V1-V4, in the order the SDK sets them.
name_values sdk_headers(const std::string& host = "dis.cn-north-4.myhuaweicloud.com") {
    return {{"Content-Type", "application/json"},
            {"User-Agent", "huaweicloud-usdk-python/3.0"},
            {"X-Project-Id", pid},
            {"X-Sdk-Date", "20240102T030405Z"},
            {"Host", host}};
}

TEST(sdk_signer, encoding_leaves_only_unreserved_characters) {
    EXPECT_EQ(sdk_encode("AZaz09-_.~"), "AZaz09-_.~");
    EXPECT_EQ(sdk_encode("a b/c+d=e&f%"), "a%20b%2Fc%2Bd%3De%26f%25");
    EXPECT_EQ(sdk_encode("caf\xC3\xA9"), "caf%C3%A9");
    EXPECT_EQ(hex_sha256(""), empty_hash);
}

TEST(sdk_signer, v0_public_signing_guide_example) {
    signable_request request{"GET",
                             "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
                             {{"marker", "13551d6b-755d-4757-b956-536f674975c0"}, {"limit", "2"}},
                             {{"Content-Type", "application/json"},
                              {"X-Sdk-Date", "20191115T033655Z"},
                              {"Host", "service.region.example.com"}},
                             ""};
    EXPECT_EQ(
        sdk_canonical_request(request),
        "GET\n/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/"
        "\nlimit=2&marker=13551d6b-755d-4757-b956-536f674975c0\n"
        "content-type:application/json\nhost:service.region.example.com\nx-sdk-date:20191115T033655Z\n\n"
        "content-type;host;x-sdk-date\n" +
            empty_hash);
    EXPECT_EQ(hex_sha256(sdk_canonical_request(request)),
              "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a");
    EXPECT_EQ(sdk_authorization(request, "QTWAOYTTINDUT2QVKYUC", "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"),
              "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, "
              "Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe");
}

TEST(sdk_signer, v1_delete_checkpoint_without_body) {
    signable_request request{"DELETE",
                             "/v2/" + pid + "/checkpoints",
                             {{"stream_name", "mystream"},
                              {"app_name", "myapp"},
                              {"checkpoint_type", "LAST_READ"},
                              {"partition_id", "shardId-0000000000"}},
                             sdk_headers(),
                             ""};
    EXPECT_EQ(
        sdk_query_string(request.query),
        "app_name=myapp&checkpoint_type=LAST_READ&partition_id=shardId-0000000000&stream_name=mystream");
    EXPECT_EQ(
        sdk_canonical_request(request),
        "DELETE\n/v2/" + pid +
            "/checkpoints/\n"
            "app_name=myapp&checkpoint_type=LAST_READ&partition_id=shardId-0000000000&stream_name=mystream\n"
            "content-type:application/json\nhost:dis.cn-north-4.myhuaweicloud.com\n"
            "user-agent:huaweicloud-usdk-python/3.0\nx-project-id:" +
            pid +
            "\nx-sdk-date:20240102T030405Z\n\n"
            "content-type;host;user-agent;x-project-id;x-sdk-date\n" +
            empty_hash);
    EXPECT_EQ(hex_sha256(sdk_canonical_request(request)),
              "48dd2c522ebe75410e5d1ab6e3b8d30a7ead8e9543c6cad933143f8edbfd5ec4");
    EXPECT_EQ(sdk_authorization(request, ak, sk),
              "SDK-HMAC-SHA256 Access=EXAMPLEAK0000000DIS1, "
              "SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, "
              "Signature=8567a6f444dbcca5a0a09648467bbe63eb470e338931d586a57a96dd3cca4f12");
}

TEST(sdk_signer, v2_send_records_hashes_the_body_as_sent) {
    const std::string body =
        R"({"stream_name": "mystream", "records": [{"data": "aGVsbG8=", "partition_key": "k1"}]})";
    ASSERT_EQ(body.size(), 85U);
    EXPECT_EQ(hex_sha256(body), "6d82d8d6dd3cff4a5b790b2957e2df1aebf6ca8ab2782474b05ef4987add0c2e");
    signable_request request{"POST", "/v2/" + pid + "/records", {}, sdk_headers(), body};
    EXPECT_EQ(hex_sha256(sdk_canonical_request(request)),
              "05d26f49e0f8499d9f1e302dcff1b092fc3dcd77c33111f9682f99880c924515");
    EXPECT_EQ(sdk_authorization(request, ak, sk),
              "SDK-HMAC-SHA256 Access=EXAMPLEAK0000000DIS1, "
              "SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, "
              "Signature=900e6c634e0cc2527da2145bf3421481f439fd24b3d9668b683abb1f8c2fabfa");
}

TEST(sdk_signer, v3_cursor_with_hyphenated_query_and_host_port) {
    signable_request request{"GET",
                             "/v2/" + pid + "/cursors",
                             {{"stream-name", "mystream"},
                              {"partition-id", "0"},
                              {"cursor-type", "AT_SEQUENCE_NUMBER"},
                              {"starting-sequence-number", "0"}},
                             sdk_headers("localhost:8080"),
                             ""};
    EXPECT_EQ(
        sdk_query_string(request.query),
        "cursor-type=AT_SEQUENCE_NUMBER&partition-id=0&starting-sequence-number=0&stream-name=mystream");
    EXPECT_NE(sdk_canonical_request(request).find("\nhost:localhost:8080\n"), std::string::npos);
    EXPECT_EQ(hex_sha256(sdk_canonical_request(request)),
              "96e981afb217478a418595d4c3d7612b5d0b0a91f6f3b36d0d7a5c9aacd3813a");
    EXPECT_EQ(sdk_authorization(request, ak, sk),
              "SDK-HMAC-SHA256 Access=EXAMPLEAK0000000DIS1, "
              "SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, "
              "Signature=d9219a202132411398b20803e5e5f39e4298977ecab35738af7a531b360374ca");
}

TEST(sdk_signer, v4_encoding_rules_temporary_credentials_and_underscore_header) {
    auto headers = sdk_headers();
    headers.emplace_back("X-Security-Token", "tmpSecurityTokenExample");
    headers.emplace_back("X_Custom_Underscore", "not-signed");
    signable_request request{"GET",
                             "/v2/" + pid + "/apps/my%20app~x/streams/s%2F1",
                             {{"start_partition_id", "shardId-0000000001"},
                              {"limit", "2"},
                              {"checkpoint_type", "LAST_READ"},
                              {"flag", "true"},
                              {"multi", "b"},
                              {"multi", "a"}},
                             headers,
                             ""};
    EXPECT_EQ(
        sdk_query_string(request.query),
        "checkpoint_type=LAST_READ&flag=true&limit=2&multi=a&multi=b&start_partition_id=shardId-0000000001");
    EXPECT_EQ(sdk_canonical_request(request),
              "GET\n/v2/" + pid +
                  "/apps/my%20app~x/streams/s/1/\n"
                  "checkpoint_type=LAST_READ&flag=true&limit=2&multi=a&multi=b&start_partition_id=shardId-"
                  "0000000001\n"
                  "content-type:application/json\nhost:dis.cn-north-4.myhuaweicloud.com\n"
                  "user-agent:huaweicloud-usdk-python/3.0\nx-project-id:" +
                  pid +
                  "\nx-sdk-date:20240102T030405Z\n"
                  "x-security-token:tmpSecurityTokenExample\n\n"
                  "content-type;host;user-agent;x-project-id;x-sdk-date;x-security-token\n" +
                  empty_hash);
    EXPECT_EQ(hex_sha256(sdk_canonical_request(request)),
              "bfa903cf3897260476570b4e2beaab05786f9eb26ab7643d5ea38381891f5f4d");
    EXPECT_EQ(sdk_authorization(request, ak, sk),
              "SDK-HMAC-SHA256 Access=EXAMPLEAK0000000DIS1, "
              "SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date;x-security-token, "
              "Signature=ff23e7d3e37338aec948a8baffe53784ff05d950f81c74125482b536e3cf5295");
}

TEST(sdk_signer, v6_legacy_dis_scheme) {
    signable_request request{"DELETE",
                             "/v2/" + pid + "/checkpoints",
                             {{"stream_name", "mystream"}, {"app_name", "myapp"}},
                             {{"content-type", "application/json"},
                              {"host", "dis.cn-north-4.myhuaweicloud.com"},
                              {"x-sdk-date", "20240102T030405Z"}},
                             ""};
    EXPECT_EQ(legacy_dis_canonical_request(request),
              "DELETE\n/v2/" + pid +
                  "/checkpoints/\napp_name=myapp&stream_name=mystream\n"
                  "content-type:application/"
                  "json\nhost:dis.cn-north-4.myhuaweicloud.com\nx-sdk-date:20240102T030405Z\n\n"
                  "content-type;host;x-sdk-date\n" +
                  empty_hash);
    EXPECT_EQ(hex_sha256(legacy_dis_canonical_request(request)),
              "0ff9f3fe709a2d3c49877cb099bacdb1971ad41195b81d5b152b0f2c5ebc183b");
    EXPECT_EQ(legacy_dis_authorization(request, ak, sk, "cn-north-4"),
              "SDK-HMAC-SHA256 Credential=EXAMPLEAK0000000DIS1/20240102/cn-north-4/dis/sdk_request, "
              "SignedHeaders=content-type;host;x-sdk-date, "
              "Signature=6a5881414b37303be5308814ba6d6d6842625933fbf6240220925b83df773b43");
}

TEST(sdk_signer, legacy_scheme_keeps_a_bare_name_for_an_empty_value_and_normalises_dots) {
    signable_request request{
        "GET", "/v2/./x/../apps//a", {{"b", ""}, {"a", "1"}}, {{"Host", "h"}, {"X-Sdk-Date", "d"}}, ""};
    EXPECT_EQ(legacy_dis_canonical_request(request).substr(0, 21), "GET\n/v2/apps/a/\na=1&b");
    EXPECT_EQ(sdk_query_string(request.query), "a=1&b=");
}

// The dedicated DIS SDKs' signers against vectors computed independently (a throwaway Python script that
// follows each SDK's source; see signing_test.cpp), the same requests as the emulator's vectors there.
const std::string date = "20240102T030405Z";
const std::string scope = "EXAMPLEAK0000000DIS1/20240102/cn-north-4/dis/sdk_request";

TEST(sdk_signer, python_sdk_default_v11_signs_host_without_port_and_x_sdk_date) {
    const signable_request request{"GET",
                                   "/v2/" + pid + "/cursors/",
                                   {{"stream-name", "mystream"},
                                    {"partition-id", "shardId-0000000000"},
                                    {"cursor-type", "AT_SEQUENCE_NUMBER"},
                                    {"starting-sequence-number", "0"}},
                                   {{"x-sdk-date", date}, {"host", "127.0.0.1:9780"}},
                                   ""};
    EXPECT_EQ(hex_sha256(dis_sdk_canonical_request(dis_sdk::python, request)),
              "c0a183ef5541384298659d1ab2ca831b069a36845d6d6098f439a46c0746bb8b");
    EXPECT_EQ(dis_sdk_authorization(dis_sdk::python, request, ak, sk, "cn-north-4", true),
              "V11-HMAC-SHA256 Credential=" + scope +
                  ", SignedHeaders=host;x-sdk-date, "
                  "Signature=c85f28fe7970afe28bec7ce55d20d782df6a9412d4ce50193cfb83f752dee209");
    EXPECT_EQ(dis_sdk_authorization(dis_sdk::python, request, ak, sk, "cn-north-4"),
              "SDK-HMAC-SHA256 Credential=" + scope +
                  ", SignedHeaders=host;x-sdk-date, "
                  "Signature=96b2cfabbb54ba97f28ccea77bd4d3eaa209a93565bfa8e8e0b989eb21c17c48");
}

TEST(sdk_signer, python_sdk_v11_with_a_body) {
    const signable_request request{"POST",
                                   "/v2/" + pid + "/checkpoints/",
                                   {},
                                   {{"x-sdk-date", date}, {"host", "127.0.0.1:9780"}},
                                   R"({"stream_name": "mystream", "app_name": "myapp", "partition_id": )"
                                   R"("shardId-0000000000", "sequence_number": "5", "metadata": "", )"
                                   R"("checkpoint_type": "LAST_READ"})"};
    EXPECT_EQ(dis_sdk_authorization(dis_sdk::python, request, ak, sk, "cn-north-4", true),
              "V11-HMAC-SHA256 Credential=" + scope +
                  ", SignedHeaders=host;x-sdk-date, "
                  "Signature=5e2e788d6ae1b8d66b40752ff20051baf05c30621dcb8daf881ddc94dc631cfb");
}

TEST(sdk_signer, java_sdk_signs_all_its_headers_and_keeps_the_equals_sign_of_an_empty_value) {
    const signable_request request{
        "GET",
        "/v2/" + pid + "/streams/mystream/",
        {{"stream_name", "mystream"}, {"start_partitionId", ""}, {"limit_partitions", "100"}},
        {{"X-Project-Id", pid},
         {"Content-Type", "application/json; charset=utf-8"},
         {"accept", "*/*; charset=utf-8"},
         {"X-SDK-Version", "1.3.5-SNAPSHOT/java"},
         {"Host", "dis.cn-north-4.myhuaweicloud.com"},
         {"X-Sdk-Date", date}},
        ""};
    EXPECT_NE(dis_sdk_canonical_request(dis_sdk::java, request)
                  .find("\nlimit_partitions=100&start_partitionId=&stream_name=mystream\n"),
              std::string::npos);
    EXPECT_EQ(dis_sdk_authorization(dis_sdk::java, request, ak, sk, "cn-north-4"),
              "SDK-HMAC-SHA256 Credential=" + scope +
                  ", SignedHeaders=accept;content-type;host;x-project-id;x-sdk-date;x-sdk-version, "
                  "Signature=dcd1f0016b924fc571780b63492b08602f37867158ba68a0e1d428952770e927");
    auto create_app = request;
    create_app.method = "POST";
    create_app.path = "/v2/" + pid + "/apps/";
    create_app.query = {};
    create_app.body = R"({"app_name":"myapp"})";
    EXPECT_EQ(dis_sdk_authorization(dis_sdk::java, create_app, ak, sk, "cn-north-4"),
              "SDK-HMAC-SHA256 Credential=" + scope +
                  ", SignedHeaders=accept;content-type;host;x-project-id;x-sdk-date;x-sdk-version, "
                  "Signature=8f573d5ec90ca7a772effc6a03280c68cec96abdbbf72d43bf605242cb7f7189");
}

TEST(sdk_signer, go_sdk_signs_its_empty_body_hash_header_and_the_real_body) {
    const std::string body =
        R"({"stream_name":"mystream","stream_id":"","records":[{"data":"aGVsbG8=","partition_id":"",)"
        R"("explicit_hash_key":"","partition_key":"k1"}]})";
    const signable_request request{"POST",
                                   "/v2/" + pid + "/records",
                                   {},
                                   {{"Host", "127.0.0.1:9780"},
                                    {"X-Sdk-Date", date},
                                    {"X-Sdk-Content-Sha256", empty_hash},
                                    {"Content-Length", "135"},
                                    {"Content-Type", "application/json;charset=UTF-8"}},
                                   body};
    EXPECT_EQ(dis_sdk_authorization(dis_sdk::go, request, ak, sk, "cn-north-4"),
              "SDK-HMAC-SHA256 Credential=" + scope +
                  ", SignedHeaders=content-length;content-type;host;x-sdk-content-sha256;x-sdk-date, "
                  "Signature=a8982f487e3ab2343d8a57ffb0b4fec13dc2d93feb56d328a1d24510931dd5da");
    const signable_request checkpoint{"GET",
                                      "/v2/" + pid + "/checkpoints",
                                      {{"stream_name", "mystream"},
                                       {"partition_id", "0"},
                                       {"app_name", "myapp"},
                                       {"checkpoint_type", ""},
                                       {"timestamp", "0"}},
                                      {{"Host", "127.0.0.1:9780"},
                                       {"X-Sdk-Date", date},
                                       {"X-Sdk-Content-Sha256", empty_hash},
                                       {"Content-Type", "application/json;charset=UTF-8"}},
                                      ""};
    EXPECT_EQ(dis_sdk_authorization(dis_sdk::go, checkpoint, ak, sk, "cn-north-4"),
              "SDK-HMAC-SHA256 Credential=" + scope +
                  ", SignedHeaders=content-type;host;x-sdk-content-sha256;x-sdk-date, "
                  "Signature=00ee0363a7d03574891191d1b0bf0026c3c1e98cb9b96516fa073f812ab28ef2");
}

TEST(sdk_signer, sdk_date_is_utc_basic_format) {
    EXPECT_EQ(sdk_date(1'700'000'000'000), "20231114T221320Z");
    EXPECT_EQ(sdk_date(1'704'164'645'999), "20240102T030405Z");
}

}  // namespace
}  // namespace emu::test
