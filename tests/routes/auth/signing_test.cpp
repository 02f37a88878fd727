// Every test vector of auth.md §6, step by step: canonical request, its hash, the signature and the
// Authorization header a client would send.
#include "routes/auth/signing.hpp"

#include <gtest/gtest.h>

#include "routes/auth/authenticate.hpp"

namespace emu::routes::auth {
namespace {

namespace sg = auth::signing;

const std::string ak = "EXAMPLEAK0000000DIS1";
const std::string sk = "exampleSecretKey0123456789abcdefEXAMPLESK";
const std::string pid = "0123456789abcdef0123456789abcdef";
const std::string sdk_date = "20240102T030405Z";
const std::string core_headers = "content-type;host;user-agent;x-project-id;x-sdk-date";

struct wire_request {
    std::string method;
    request_context ctx;
    std::string body;

    wire_request(std::string m, const std::string& target, string_pairs headers, std::string b = {})
        : method(std::move(m)), body(std::move(b)) {
        parse_target(ctx, target);
        ctx.headers = std::move(headers);
    }
    sg::signed_request signed_part() const { return {method, ctx.raw_path, &ctx.query, &ctx.headers, body}; }
};

string_pairs dis_headers(const std::string& host = "dis.cn-north-4.myhuaweicloud.com") {
    return {{"Content-Type", "application/json"},
            {"User-Agent", "huaweicloud-usdk-python/3.0"},
            {"X-Project-Id", pid},
            {"X-Sdk-Date", sdk_date},
            {"Host", host}};
}

std::string access_header(const std::string& key, const std::string& signed_headers,
                          const std::string& signature) {
    return "SDK-HMAC-SHA256 Access=" + key + ", SignedHeaders=" + signed_headers + ", Signature=" + signature;
}

const wire_request v1_request() {
    return {"DELETE",
            "/v2/" + pid +
                "/checkpoints?app_name=myapp&checkpoint_type=LAST_READ&partition_id=shardId-0000000000&"
                "stream_name=mystream",
            dis_headers()};
}

TEST(auth_vectors, v0_public_example_of_the_signing_guide) {
    const wire_request req{
        "GET",
        "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
        {{"Content-Type", "application/json"},
         {"X-Sdk-Date", "20191115T033655Z"},
         {"Host", "service.region.example.com"}}};
    const auto canonical = sg::canonical_request(req.signed_part(), "content-type;host;x-sdk-date");
    EXPECT_EQ(
        canonical,
        "GET\n/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/"
        "\nlimit=2&marker=13551d6b-755d-4757-b956-536f674975c0\n"
        "content-type:application/json\nhost:service.region.example.com\nx-sdk-date:20191115T033655Z\n\n"
        "content-type;host;x-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sg::sha256_hex(canonical), "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a");
    const auto signature =
        sg::sdk_signature("MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc", "20191115T033655Z", canonical);
    EXPECT_EQ(access_header("QTWAOYTTINDUT2QVKYUC", "content-type;host;x-sdk-date", signature),
              "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, "
              "Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe");
}

TEST(auth_vectors, v1_delete_checkpoint_without_body) {
    const auto req = v1_request();
    const auto canonical = sg::canonical_request(req.signed_part(), core_headers);
    EXPECT_EQ(
        canonical,
        "DELETE\n/v2/" + pid +
            "/checkpoints/\n"
            "app_name=myapp&checkpoint_type=LAST_READ&partition_id=shardId-0000000000&stream_name=mystream\n"
            "content-type:application/json\nhost:dis.cn-north-4.myhuaweicloud.com\n"
            "user-agent:huaweicloud-usdk-python/3.0\nx-project-id:" +
            pid + "\nx-sdk-date:20240102T030405Z\n\n" + core_headers + "\n" +
            std::string(sg::empty_body_sha256));
    EXPECT_EQ(sg::sha256_hex(canonical), "48dd2c522ebe75410e5d1ab6e3b8d30a7ead8e9543c6cad933143f8edbfd5ec4");
    EXPECT_EQ(access_header(ak, core_headers, sg::sdk_signature(sk, sdk_date, canonical)),
              "SDK-HMAC-SHA256 Access=EXAMPLEAK0000000DIS1, SignedHeaders=" + core_headers +
                  ", Signature=8567a6f444dbcca5a0a09648467bbe63eb470e338931d586a57a96dd3cca4f12");
}

TEST(auth_vectors, v2_send_records_hashes_the_body_bytes_as_sent) {
    const std::string body =
        R"({"stream_name": "mystream", "records": [{"data": "aGVsbG8=", "partition_key": "k1"}]})";
    ASSERT_EQ(body.size(), 85U);
    EXPECT_EQ(sg::sha256_hex(body), "6d82d8d6dd3cff4a5b790b2957e2df1aebf6ca8ab2782474b05ef4987add0c2e");
    const wire_request req{"POST", "/v2/" + pid + "/records", dis_headers(), body};
    const auto canonical = sg::canonical_request(req.signed_part(), core_headers);
    EXPECT_NE(canonical.find("\n/v2/" + pid + "/records/\n\ncontent-type:"), std::string::npos) << canonical;
    EXPECT_EQ(sg::sha256_hex(canonical), "05d26f49e0f8499d9f1e302dcff1b092fc3dcd77c33111f9682f99880c924515");
    EXPECT_EQ(sg::sdk_signature(sk, sdk_date, canonical),
              "900e6c634e0cc2527da2145bf3421481f439fd24b3d9668b683abb1f8c2fabfa");
}

TEST(auth_vectors, v3_hyphenated_query_names_and_a_host_with_port) {
    const wire_request req{"GET",
                           "/v2/" + pid +
                               "/cursors?stream-name=mystream&partition-id=0&cursor-type=AT_SEQUENCE_NUMBER"
                               "&starting-sequence-number=0",
                           dis_headers("localhost:8080")};
    EXPECT_EQ(
        sg::canonical_query(req.ctx.query),
        "cursor-type=AT_SEQUENCE_NUMBER&partition-id=0&starting-sequence-number=0&stream-name=mystream");
    const auto canonical = sg::canonical_request(req.signed_part(), core_headers);
    EXPECT_NE(canonical.find("\nhost:localhost:8080\n"), std::string::npos);
    EXPECT_EQ(sg::sha256_hex(canonical), "96e981afb217478a418595d4c3d7612b5d0b0a91f6f3b36d0d7a5c9aacd3813a");
    EXPECT_EQ(sg::sdk_signature(sk, sdk_date, canonical),
              "d9219a202132411398b20803e5e5f39e4298977ecab35738af7a531b360374ca");
}

TEST(auth_vectors, v4_encoding_rules_temporary_credentials_and_an_unsigned_underscore_header) {
    auto headers = dis_headers();
    headers.emplace_back("X-Security-Token", "tmpSecurityTokenExample");
    headers.emplace_back("X_Custom_Underscore", "not-signed");
    const wire_request req{
        "GET",
        "/v2/" + pid +
            "/apps/my%20app~x/streams/s%2F1?checkpoint_type=LAST_READ&flag=true&limit=2&multi=a"
            "&multi=b&start_partition_id=shardId-0000000001",
        headers};
    const std::string signed_headers = core_headers + ";x-security-token";
    const auto canonical = sg::canonical_request(req.signed_part(), signed_headers);
    EXPECT_EQ(canonical, "GET\n/v2/" + pid +
                             "/apps/my%20app~x/streams/s/1/\n"
                             "checkpoint_type=LAST_READ&flag=true&limit=2&multi=a&multi=b&start_partition_id="
                             "shardId-0000000001\n"
                             "content-type:application/json\nhost:dis.cn-north-4.myhuaweicloud.com\n"
                             "user-agent:huaweicloud-usdk-python/3.0\nx-project-id:" +
                             pid +
                             "\nx-sdk-date:20240102T030405Z\nx-security-token:tmpSecurityTokenExample\n\n" +
                             signed_headers + "\n" + std::string(sg::empty_body_sha256));
    EXPECT_EQ(sg::sha256_hex(canonical), "bfa903cf3897260476570b4e2beaab05786f9eb26ab7643d5ea38381891f5f4d");
    EXPECT_EQ(access_header(ak, signed_headers, sg::sdk_signature(sk, sdk_date, canonical)),
              "SDK-HMAC-SHA256 Access=EXAMPLEAK0000000DIS1, SignedHeaders=" + signed_headers +
                  ", Signature=ff23e7d3e37338aec948a8baffe53784ff05d950f81c74125482b536e3cf5295");
}

TEST(auth_vectors, v4_query_pairs_sort_by_name_then_value_whatever_the_arrival_order) {
    const wire_request req{"GET",
                           "/x?multi=b&start_partition_id=shardId-0000000001&limit=2&multi=a&flag=true"
                           "&checkpoint_type=LAST_READ",
                           {}};
    EXPECT_EQ(
        sg::canonical_query(req.ctx.query),
        "checkpoint_type=LAST_READ&flag=true&limit=2&multi=a&multi=b&start_partition_id=shardId-0000000001");
}

TEST(auth_vectors, v5_derived_key_variant) {
    const auto canonical = sg::canonical_request(v1_request().signed_part(), core_headers);
    const std::string info = "20240102/cn-north-4/dis";
    EXPECT_EQ(sg::v11_derived_key(ak, sk, info),
              "21312bcae6091f91ff9f559ef7fd805da5598fa0e6024688eff27581c72fe86c");
    EXPECT_EQ("V11-HMAC-SHA256 Credential=" + ak + "/" + info + ", SignedHeaders=" + core_headers +
                  ", Signature=" + sg::v11_signature(ak, sk, sdk_date, info, canonical),
              "V11-HMAC-SHA256 Credential=EXAMPLEAK0000000DIS1/20240102/cn-north-4/dis, SignedHeaders=" +
                  core_headers +
                  ", Signature=724bfcadd472ff17850fd06753cbc46a317089b4e24ece0bc59ef063959d0759");
}

TEST(auth_vectors, v5_hkdf_is_openssls_and_matches_rfc_5869_test_case_1) {
    const std::string ikm(22, '\x0b');
    const std::string salt("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c", 13);
    const std::string info = "\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9";
    EXPECT_EQ(sg::hex(sg::hkdf_sha256(salt, ikm, info, 42)),
              "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST(auth_vectors, v6_legacy_dis_scheme) {
    const wire_request req{"DELETE",
                           "/v2/" + pid + "/checkpoints?stream_name=mystream&app_name=myapp",
                           {{"content-type", "application/json"},
                            {"host", "dis.cn-north-4.myhuaweicloud.com"},
                            {"x-sdk-date", sdk_date}}};
    const auto canonical =
        sg::canonical_request(req.signed_part(), "content-type;host;x-sdk-date", sg::dialect::legacy_dis);
    EXPECT_EQ(canonical,
              "DELETE\n/v2/" + pid +
                  "/checkpoints/\napp_name=myapp&stream_name=mystream\ncontent-type:application/json\n"
                  "host:dis.cn-north-4.myhuaweicloud.com\nx-sdk-date:20240102T030405Z\n\n"
                  "content-type;host;x-sdk-date\n" +
                  std::string(sg::empty_body_sha256));
    EXPECT_EQ(sg::sha256_hex(canonical), "0ff9f3fe709a2d3c49877cb099bacdb1971ad41195b81d5b152b0f2c5ebc183b");
    EXPECT_EQ("SDK-HMAC-SHA256 Credential=" + ak +
                  "/20240102/cn-north-4/dis/sdk_request, SignedHeaders=content-type;"
                  "host;x-sdk-date, Signature=" +
                  sg::legacy_signature(sk, sdk_date, "20240102", "cn-north-4", canonical),
              "SDK-HMAC-SHA256 Credential=EXAMPLEAK0000000DIS1/20240102/cn-north-4/dis/sdk_request, "
              "SignedHeaders=content-type;host;x-sdk-date, "
              "Signature=6a5881414b37303be5308814ba6d6d6842625933fbf6240220925b83df773b43");
}

// ---- the dedicated DIS SDKs (dis-native-sdks.md §2): each SDK's request as it goes on the wire ------
// The vectors were computed with a throwaway Python script (standard library only) that follows each
// SDK's signer as its source reads: huaweicloud-sdk-python-dis models/disauth.py and utils/hkdf.py,
// huaweicloud-sdk-java-dis DefaultSigner/AbstractSigner/HttpUtils, huaweicloud-sdk-go-dis utils/auth_v4.go.

const std::string dis_scope = "20240102/cn-north-4/dis/sdk_request";

std::string credential_header(std::string_view algorithm, const std::string& signed_headers,
                              const std::string& signature) {
    return std::string(algorithm) + " Credential=" + ak + "/" + dis_scope +
           ", SignedHeaders=" + signed_headers + ", Signature=" + signature;
}

// What the Python SDK puts on the wire: it signs host (without the port) and x-sdk-date only, then adds
// content-length, user-agent and Content-Type; requests adds Host (with the port) and its own headers.
string_pairs python_wire_headers() {
    return {{"Host", "127.0.0.1:9780"},
            {"Accept-Encoding", "gzip, deflate"},
            {"Accept", "*/*"},
            {"Connection", "keep-alive"},
            {"x-sdk-date", sdk_date},
            {"content-length", "0"},
            {"user-agent", "dis-python-sdk-v-2.0.0"},
            {"Content-Type", "application/json; charset=UTF-8"}};
}

const std::string python_cursor_target =
    "/v2/" + pid +
    "/cursors/?stream-name=mystream&partition-id=shardId-0000000000&cursor-type=AT_SEQUENCE_NUMBER"
    "&starting-sequence-number=0";
const std::string python_cursor_canonical =
    "GET\n/v2/" + pid +
    "/cursors/\n"
    "cursor-type=AT_SEQUENCE_NUMBER&partition-id=shardId-0000000000&starting-sequence-number=0&"
    "stream-name=mystream\nhost:127.0.0.1\nx-sdk-date:20240102T030405Z\n\nhost;x-sdk-date\n" +
    std::string(sg::empty_body_sha256);

TEST(dis_sdk_vectors, python_v11_default_derives_the_key_and_signs_the_host_without_its_port) {
    const wire_request req{"GET", python_cursor_target, python_wire_headers()};
    const auto candidates =
        sg::dis_sdk_canonical_requests(req.signed_part(), "host;x-sdk-date", sg::dis_signers::python);
    // §5 as received (host with its port), then the Python SDK's own: the host without it.
    ASSERT_EQ(candidates.size(), 2U);
    EXPECT_NE(candidates[0].find("\nhost:127.0.0.1:9780\n"), std::string::npos);
    EXPECT_EQ(candidates[1], python_cursor_canonical);
    EXPECT_EQ(sg::sha256_hex(candidates[1]),
              "c0a183ef5541384298659d1ab2ca831b069a36845d6d6098f439a46c0746bb8b");
    // The same derived key as the SDK core's V11 for this info (auth.md §6 V5): both are one HKDF block.
    EXPECT_EQ(sg::v11_derived_key(ak, sk, "20240102/cn-north-4/dis"),
              "21312bcae6091f91ff9f559ef7fd805da5598fa0e6024688eff27581c72fe86c");
    EXPECT_EQ(
        credential_header(sg::v11_algorithm, "host;x-sdk-date",
                          sg::dis_v11_signature(ak, sk, sdk_date, "20240102", "cn-north-4", candidates[1])),
        "V11-HMAC-SHA256 Credential=EXAMPLEAK0000000DIS1/20240102/cn-north-4/dis/sdk_request, "
        "SignedHeaders=host;x-sdk-date, "
        "Signature=c85f28fe7970afe28bec7ce55d20d782df6a9412d4ce50193cfb83f752dee209");
}

TEST(dis_sdk_vectors, python_without_derivation_is_the_legacy_scheme_on_the_portless_host) {
    const wire_request req{"GET", python_cursor_target, python_wire_headers()};
    const auto candidates =
        sg::dis_sdk_canonical_requests(req.signed_part(), "host;x-sdk-date", sg::dis_signers::any);
    ASSERT_EQ(candidates.size(), 2U);  // no empty query value, so the Java/Go form is the §5 one
    EXPECT_EQ(candidates[1], python_cursor_canonical);
    EXPECT_EQ(sg::legacy_signature(sk, sdk_date, "20240102", "cn-north-4", candidates[1]),
              "96b2cfabbb54ba97f28ccea77bd4d3eaa209a93565bfa8e8e0b989eb21c17c48");
}

TEST(dis_sdk_vectors, python_v11_commit_checkpoint_hashes_the_json_dumps_body) {
    const std::string body =
        R"({"stream_name": "mystream", "app_name": "myapp", "partition_id": "shardId-0000000000", )"
        R"("sequence_number": "5", "metadata": "", "checkpoint_type": "LAST_READ"})";
    ASSERT_EQ(body.size(), 158U);
    auto headers = python_wire_headers();
    headers[5].second = "158";
    const wire_request req{"POST", "/v2/" + pid + "/checkpoints/", headers, body};
    const auto candidates =
        sg::dis_sdk_canonical_requests(req.signed_part(), "host;x-sdk-date", sg::dis_signers::python);
    ASSERT_EQ(candidates.size(), 2U);
    EXPECT_EQ(candidates[1],
              "POST\n/v2/" + pid +
                  "/checkpoints/\n\nhost:127.0.0.1\nx-sdk-date:20240102T030405Z\n\nhost;x-sdk-date\n"
                  "6f2f075a50d0ea6b3b514b471d04f9738c98371bdae610caa2e7c37ab51ea5d1");
    EXPECT_EQ(sg::dis_v11_signature(ak, sk, sdk_date, "20240102", "cn-north-4", candidates[1]),
              "5e2e788d6ae1b8d66b40752ff20051baf05c30621dcb8daf881ddc94dc631cfb");
}

TEST(dis_sdk_vectors, java_signs_every_header_it_set_and_an_empty_value_with_its_equals_sign) {
    // DescribeStream as the Kafka adapter sends it for partition 0: the query unencoded, in HashMap order,
    // with a trailing '&'; the path with its trailing '/'.
    const wire_request req{
        "GET",
        "/v2/" + pid + "/streams/mystream/?stream_name=mystream&start_partitionId=&limit_partitions=100&",
        {{"X-Project-Id", pid},
         {"Content-Type", "application/json; charset=utf-8"},
         {"accept", "*/*; charset=utf-8"},
         {"X-SDK-Version", "1.3.5-SNAPSHOT/java"},
         {"Host", "dis.cn-north-4.myhuaweicloud.com"},
         {"X-Sdk-Date", sdk_date}}};
    const std::string names = "accept;content-type;host;x-project-id;x-sdk-date;x-sdk-version";
    const auto candidates = sg::dis_sdk_canonical_requests(req.signed_part(), names, sg::dis_signers::any);
    ASSERT_EQ(candidates.size(), 2U);  // §5's bare `start_partitionId`, then Java's `start_partitionId=`
    EXPECT_NE(candidates[0].find("\nlimit_partitions=100&start_partitionId&stream_name=mystream\n"),
              std::string::npos);
    EXPECT_EQ(candidates[1],
              "GET\n/v2/" + pid +
                  "/streams/mystream/\nlimit_partitions=100&start_partitionId=&stream_name=mystream\n"
                  "accept:*/*; charset=utf-8\ncontent-type:application/json; charset=utf-8\n"
                  "host:dis.cn-north-4.myhuaweicloud.com\nx-project-id:" +
                  pid + "\nx-sdk-date:20240102T030405Z\nx-sdk-version:1.3.5-SNAPSHOT/java\n\n" + names +
                  "\n" + std::string(sg::empty_body_sha256));
    EXPECT_EQ(sg::sha256_hex(candidates[1]),
              "410e098708ecb140955b2d7738c9bdb19adbf5136203d6e2cbe62160547ddaa5");
    EXPECT_EQ(credential_header(sg::sdk_algorithm, names,
                                sg::legacy_signature(sk, sdk_date, "20240102", "cn-north-4", candidates[1])),
              "SDK-HMAC-SHA256 Credential=EXAMPLEAK0000000DIS1/20240102/cn-north-4/dis/sdk_request, "
              "SignedHeaders=" +
                  names + ", Signature=dcd1f0016b924fc571780b63492b08602f37867158ba68a0e1d428952770e927");
}

TEST(dis_sdk_vectors, go_signs_its_declared_empty_body_hash_header_but_hashes_the_real_body) {
    const std::string body =
        R"({"stream_name":"mystream","stream_id":"","records":[{"data":"aGVsbG8=","partition_id":"",)"
        R"("explicit_hash_key":"","partition_key":"k1"}]})";
    ASSERT_EQ(body.size(), 135U);
    const wire_request req{"POST",
                           "/v2/" + pid + "/records",
                           {{"Host", "127.0.0.1:9780"},
                            {"User-Agent", "Go-http-client/1.1"},
                            {"Content-Length", "135"},
                            {"Content-Type", "application/json;charset=UTF-8"},
                            {"X-Sdk-Content-Sha256", std::string(sg::empty_body_sha256)},
                            {"X-Sdk-Date", sdk_date},
                            {"Accept-Encoding", "gzip"}},
                           body};
    const std::string names = "content-length;content-type;host;x-sdk-content-sha256;x-sdk-date";
    const auto candidates = sg::dis_sdk_canonical_requests(req.signed_part(), names, sg::dis_signers::any);
    ASSERT_EQ(candidates.size(), 2U);  // as received, and (for Python's sake) the portless host
    EXPECT_EQ(candidates[0],
              "POST\n/v2/" + pid +
                  "/records/\n\ncontent-length:135\ncontent-type:application/json;charset=UTF-8\n"
                  "host:127.0.0.1:9780\nx-sdk-content-sha256:" +
                  std::string(sg::empty_body_sha256) + "\nx-sdk-date:20240102T030405Z\n\n" + names +
                  "\n6234e3cf2d4e3a4fd6b81709cf88f079670cddb60ce5a5c617ab5deb39b74a4e");
    EXPECT_EQ(sg::legacy_signature(sk, sdk_date, "20240102", "cn-north-4", candidates[0]),
              "a8982f487e3ab2343d8a57ffb0b4fec13dc2d93feb56d328a1d24510931dd5da");
}

TEST(dis_sdk_vectors, go_writes_an_empty_value_bare_on_the_wire_and_with_its_equals_sign_when_signing) {
    const wire_request req{
        "GET",
        "/v2/" + pid +
            "/checkpoints?stream_name=mystream&partition_id=0&app_name=myapp&checkpoint_type&timestamp=0",
        {{"Host", "127.0.0.1:9780"},
         {"Content-Type", "application/json;charset=UTF-8"},
         {"X-Sdk-Content-Sha256", std::string(sg::empty_body_sha256)},
         {"X-Sdk-Date", sdk_date}}};
    const std::string names = "content-type;host;x-sdk-content-sha256;x-sdk-date";
    const auto candidates = sg::dis_sdk_canonical_requests(req.signed_part(), names, sg::dis_signers::any);
    ASSERT_EQ(candidates.size(), 3U);
    EXPECT_NE(candidates[2].find(
                  "\napp_name=myapp&checkpoint_type=&partition_id=0&stream_name=mystream&timestamp=0\n"),
              std::string::npos);
    EXPECT_EQ(sg::sha256_hex(candidates[2]),
              "74d2e8b6efdd4b01ffd9f0708cabda53929556a5907d0ccc9a95eec8b6930922");
    EXPECT_EQ(sg::legacy_signature(sk, sdk_date, "20240102", "cn-north-4", candidates[2]),
              "00ee0363a7d03574891191d1b0bf0026c3c1e98cb9b96516fa073f812ab28ef2");
}

TEST(dis_sdk_vectors, only_distinct_candidates_and_the_host_only_when_it_is_signed) {
    const wire_request bare{
        "GET", "/v2/" + pid + "/apps/a", {{"Host", "h.example"}, {"X-Sdk-Date", sdk_date}}};
    EXPECT_EQ(
        sg::dis_sdk_canonical_requests(bare.signed_part(), "host;x-sdk-date", sg::dis_signers::any).size(),
        1U);
    const wire_request ported{
        "GET", "/v2/" + pid + "/apps/a?x=", {{"Host", "h:1"}, {"X-Sdk-Date", sdk_date}}};
    EXPECT_EQ(sg::dis_sdk_canonical_requests(ported.signed_part(), "x-sdk-date", sg::dis_signers::any).size(),
              2U);
    EXPECT_EQ(
        sg::dis_sdk_canonical_requests(ported.signed_part(), "x-sdk-date", sg::dis_signers::python).size(),
        1U);
    EXPECT_EQ(
        sg::dis_sdk_canonical_requests(ported.signed_part(), "host;x-sdk-date", sg::dis_signers::any).size(),
        3U);
}

TEST(dis_sdk_vectors, host_without_port) {
    EXPECT_EQ(sg::host_without_port("127.0.0.1:9780"), "127.0.0.1");
    EXPECT_EQ(sg::host_without_port("dis.example:443"), "dis.example");
    EXPECT_EQ(sg::host_without_port("[::1]:80"), "[::1]");
    for (const auto* none : {"127.0.0.1", "h:", ":80", "h:8a", "::1", "[::1]", ""}) {
        EXPECT_EQ(sg::host_without_port(none), std::nullopt) << none;
    }
}

// ---- canonicalisation rules on their own ----------------------------------------------------------

TEST(auth_canonical, encoding_keeps_only_unreserved_characters) {
    EXPECT_EQ(sg::uri_encode("AZaz09-_.~"), "AZaz09-_.~");
    EXPECT_EQ(sg::uri_encode("a b+c/d=e&f%"), "a%20b%2Bc%2Fd%3De%26f%25");
    EXPECT_EQ(sg::uri_encode("\xc3\xa9"), "%C3%A9");
}

TEST(auth_canonical, uri_keeps_empty_segments_and_adds_one_trailing_slash) {
    EXPECT_EQ(sg::canonical_uri("/v2/p/records"), "/v2/p/records/");
    EXPECT_EQ(sg::canonical_uri("/v2/p/records/"), "/v2/p/records/");
    EXPECT_EQ(sg::canonical_uri("/v2//p"), "/v2//p/");
    EXPECT_EQ(sg::canonical_uri("/a%20b/c%2Fd"), "/a%20b/c/d/");
}

TEST(auth_canonical, legacy_uri_resolves_dot_segments_and_legacy_query_drops_the_equals_sign) {
    EXPECT_EQ(sg::canonical_uri("/v2//p/./x/../records", sg::dialect::legacy_dis), "/v2/p/records/");
    EXPECT_EQ(sg::canonical_query({{"b", ""}, {"a", "1"}}, sg::dialect::legacy_dis), "a=1&b");
    EXPECT_EQ(sg::canonical_query({{"b", ""}, {"a", "1"}}), "a=1&b=");
    EXPECT_EQ(sg::canonical_query({}), "");
}

TEST(auth_canonical, legacy_query_sorts_the_written_items_as_the_python_sdk_does) {
    // '-' sorts before '=': as text "a-b=1" comes first, as pairs ("a", "2") would.
    EXPECT_EQ(sg::canonical_query({{"a", "2"}, {"a-b", "1"}}, sg::dialect::legacy_dis), "a-b=1&a=2");
    EXPECT_EQ(sg::canonical_query({{"a", "2"}, {"a-b", "1"}}), "a=2&a-b=1");
}

TEST(auth_canonical, header_values_are_trimmed_outside_only_and_the_body_is_hashed_whatever_is_declared) {
    const request_context ctx = [] {
        request_context c;
        parse_target(c, "/p");
        c.headers = {{"X-A", "  one  two \t"}, {"X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD"}};
        return c;
    }();
    const std::string body = "raw";
    sg::signed_request request{"PUT", ctx.raw_path, &ctx.query, &ctx.headers, body};
    // The declared header alone changes nothing: the verifier decides (authenticate.cpp).
    EXPECT_EQ(sg::canonical_request(request, "x-a"),
              "PUT\n/p/\n\nx-a:one  two\n\nx-a\n" + sg::sha256_hex(body));
    request.unsigned_payload = true;
    EXPECT_EQ(sg::canonical_request(request, "x-a"), "PUT\n/p/\n\nx-a:one  two\n\nx-a\nUNSIGNED-PAYLOAD");
    const auto bodiless = sg::canonical_request({"PUT", ctx.raw_path, &ctx.query, &ctx.headers, ""}, "x-a");
    EXPECT_TRUE(bodiless.ends_with(std::string(sg::empty_body_sha256)));
}

TEST(auth_canonical, constant_time_comparison) {
    EXPECT_TRUE(sg::constant_time_equal("abc", "abc"));
    EXPECT_FALSE(sg::constant_time_equal("abc", "abd"));
    EXPECT_FALSE(sg::constant_time_equal("abc", "abcd"));
}

TEST(auth_sdk_date, parses_the_basic_utc_format_only) {
    EXPECT_EQ(parse_sdk_date("20231114T221320Z"), 1'700'000'000);
    EXPECT_EQ(parse_sdk_date("19700101T000000Z"), 0);
    EXPECT_EQ(parse_sdk_date("20240229T235959Z"), 1'709'251'199);
    for (const auto* bad :
         {"", "20231114T221320", "2023-11-14T22:13:20Z", "20231314T221320Z", "20230230T000000Z",
          "20231114T241320Z", "20231114T226020Z", "2023111aT221320Z", "20231114 221320Z"}) {
        EXPECT_EQ(parse_sdk_date(bad), std::nullopt) << bad;
    }
}

}  // namespace
}  // namespace emu::routes::auth
