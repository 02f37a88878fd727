// Route tests for DIS's compressed request bodies (dis-native-sdks.md §2.1 "Compression"): the Java SDK's
// body.compress.enabled sends every POST and PUT body, JSON or protobuf, as one raw LZ4 block, raw snappy or
// a zstd frame, with Content-Encoding, Accept-Encoding and the uncompressed length. The bodies here are
// compressed with the same libraries; answers come back uncompressed. In strict mode the signature is over
// the compressed bytes, as the Java SDK signs after compressing. Bodies that do not decode, lengths that are
// missing or wrong, unknown encodings and decoded sizes past --body-limit are refused before any handler
// runs, with nothing stored.
#include <gtest/gtest.h>
#include <lz4.h>
#include <snappy.h>
#include <zstd.h>

#include <string>
#include <vector>

#include "routes/auth/authenticate.hpp"
#include "routes/dis/records.pb.h"
#include "tests/support/dis_client.hpp"
#include "tests/support/raw_connection.hpp"
#include "tests/support/sdk_signer.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

namespace pb = routes::dis::pb;

std::string lz4_block(const std::string& input) {
    std::string out(static_cast<std::size_t>(LZ4_compressBound(static_cast<int>(input.size()))), '\0');
    const int size = LZ4_compress_default(input.data(), out.data(), static_cast<int>(input.size()),
                                          static_cast<int>(out.size()));
    EXPECT_GT(size, 0);
    out.resize(static_cast<std::size_t>(size));
    return out;
}

std::string snappy_raw(const std::string& input) {
    std::string out;
    snappy::Compress(input.data(), input.size(), &out);
    return out;
}

// As zstd-jni's Zstd.compress: one frame that records its content size.
std::string zstd_frame(const std::string& input) {
    std::string out(ZSTD_compressBound(input.size()), '\0');
    const std::size_t size = ZSTD_compress(out.data(), out.size(), input.data(), input.size(), 3);
    EXPECT_FALSE(ZSTD_isError(size));
    out.resize(size);
    return out;
}

// A frame that does not say how large it decodes, as a streaming compressor writes it.
std::string zstd_frame_without_size(const std::string& input) {
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0);
    std::string out(ZSTD_compressBound(input.size()) + 64, '\0');
    ZSTD_inBuffer in{input.data(), input.size(), 0};
    ZSTD_outBuffer o{out.data(), out.size(), 0};
    const std::size_t left = ZSTD_compressStream2(cctx, &o, &in, ZSTD_e_end);
    EXPECT_EQ(left, 0U);
    ZSTD_freeCCtx(cctx);
    out.resize(o.pos);
    EXPECT_EQ(ZSTD_getFrameContentSize(out.data(), out.size()), ZSTD_CONTENTSIZE_UNKNOWN);
    return out;
}

struct codec {
    const char* name;
    std::string (*compress)(const std::string&);
    const char* length_header;  // the uncompressed length the Java SDK adds, or nullptr
};

const std::vector<codec> codecs = {
    {"lz4", lz4_block, "x-dis-lz4-content-length"},
    {"snappy", snappy_raw, nullptr},
    {"zstd", zstd_frame, "x-dis-zstd-content-length"},
};

// What AbstractDISClient.compressBody adds for `c`, around a body of `uncompressed` bytes.
header_list compression_headers(const codec& c, std::size_t uncompressed) {
    header_list headers = {{"Content-Encoding", c.name}, {"Accept-Encoding", c.name}};
    if (c.length_header != nullptr) headers.emplace_back(c.length_header, std::to_string(uncompressed));
    return headers;
}

header_list with(header_list headers, const header_list& more) {
    headers.insert(headers.end(), more.begin(), more.end());
    return headers;
}

const std::string records_json =
    R"({"stream_name":"orders","records":[{"data":"aGVsbG8=","partition_id":"0"},)"
    R"({"data":"d29ybGQ=","partition_id":"0","partition_key":"k"}]})";

class dis_compression : public testing::TestWithParam<codec> {
  protected:
    void SetUp() override {
        ASSERT_EQ(server.request("POST", path("/streams"), R"({"stream_name":"orders","partition_count":1})")
                      .status,
                  201U);
    }

    http_reply send(const std::string& method, const std::string& rest, const std::string& body,
                    const header_list& extra = {}) const {
        return server.request(method, path(rest), GetParam().compress(body),
                              with(compression_headers(GetParam(), body.size()), extra));
    }

    // The data of partition 0, from the start, in order.
    std::vector<std::string> stored_data() const {
        const std::string cursor =
            server.request("GET", path("/cursors?stream-name=orders&partition-id=0&cursor-type=TRIM_HORIZON"))
                .json()["partition_cursor"]
                .GetString();
        const auto body = server.request("GET", path("/records?partition-cursor=") + cursor).json();
        std::vector<std::string> out;
        for (const auto& r : body["records"].GetArray()) out.emplace_back(r["data"].GetString());
        return out;
    }

    test_server server;
};

TEST_P(dis_compression, a_compressed_json_put_records_is_stored_and_answered_uncompressed) {
    const auto reply = send("POST", "/records", records_json);
    ASSERT_TRUE(is_json_answer(reply)) << reply.body;
    EXPECT_FALSE(reply.headers.contains("content-encoding"));
    const auto body = reply.json();
    EXPECT_TRUE(has_int(body, "failed_record_count", 0));
    ASSERT_EQ(body["records"].Size(), 2U);
    EXPECT_EQ(stored_data(), (std::vector<std::string>{"aGVsbG8=", "d29ybGQ="}));
}

TEST_P(dis_compression, a_compressed_protobuf_put_records_is_stored_and_answered_in_protobuf) {
    pb::PutRecordsRequest request;
    request.set_streamname("orders");
    auto* record = request.add_records();
    record->set_data(std::string(3000, 'z'));  // compressible, as most records are
    record->set_partitionid("0");
    const auto bytes = request.SerializeAsString();
    const auto compressed = GetParam().compress(bytes);
    EXPECT_LT(compressed.size(), bytes.size());
    const auto reply = server.request(
        "POST", path("/records"), compressed,
        with(compression_headers(GetParam(), bytes.size()),
             {{"Content-Type", "application/x-protobuf; charset=utf-8"}, {"X-Project-Id", project_id}}));
    ASSERT_EQ(reply.status, 200U) << reply.body;
    EXPECT_EQ(reply.header("content-type"), "application/x-protobuf");
    EXPECT_FALSE(reply.headers.contains("content-encoding"));
    pb::PutRecordsResult result;
    ASSERT_TRUE(result.ParseFromString(reply.body));
    EXPECT_EQ(result.failedrecordcount(), 0);
    ASSERT_EQ(result.records_size(), 1);
    EXPECT_EQ(result.records(0).sequencenumber(), "0");
    const auto data = stored_data();
    ASSERT_EQ(data.size(), 1U);
    EXPECT_EQ(data[0].size(), 4000U);  // base64 of 3000 bytes
}

TEST_P(dis_compression, every_post_and_put_body_of_dis_may_be_compressed) {
    EXPECT_EQ(send("POST", "/streams", R"({"stream_name":"more","partition_count":1})").status, 201U);
    const auto scaled = send("PUT", "/streams/more", R"({"stream_name":"more","target_partition_count":2})");
    ASSERT_TRUE(is_json_answer(scaled)) << scaled.body;
    EXPECT_TRUE(has_int(scaled.json(), "target_partition_count", 2));
    EXPECT_EQ(send("POST", "/apps", R"({"app_name":"billing"})").status, 201U);
    ASSERT_EQ(send("POST", "/records", records_json).status, 200U);
    EXPECT_EQ(send("POST", "/checkpoints",
                   R"({"app_name":"billing","checkpoint_type":"LAST_READ","stream_name":"orders",)"
                   R"("partition_id":"0","sequence_number":"1","metadata":"m"})")
                  .status,
              201U);
    const auto checkpoint = server.request(
        "GET",
        path("/checkpoints?app_name=billing&stream_name=orders&partition_id=0&checkpoint_type=LAST_READ"));
    EXPECT_TRUE(has_string(checkpoint.json(), "sequence_number", "1")) << checkpoint.body;
}

TEST_P(dis_compression, a_body_that_does_not_decode_is_refused_and_nothing_is_stored) {
    const std::string garbage = "\xff\xff\xff\xff\xff\xff\xff\xff not compressed at all";
    const auto reply =
        server.request("POST", path("/records"), garbage, compression_headers(GetParam(), 200));
    EXPECT_EQ(reply.status, 400U) << reply.body;
    EXPECT_TRUE(is_json_answer(reply, 400));
    EXPECT_EQ(reply.json()["errorCode"].GetString(), std::string("DIS.4200")) << reply.body;
    // Uncompressed JSON claiming to be compressed does not decode either.
    const auto plain = server.request("POST", path("/records"), records_json,
                                      compression_headers(GetParam(), records_json.size()));
    EXPECT_EQ(plain.status, 400U) << plain.body;
    // Cut short.
    const auto whole = GetParam().compress(records_json);
    const auto cut = server.request("POST", path("/records"), whole.substr(0, whole.size() / 2),
                                    compression_headers(GetParam(), records_json.size()));
    EXPECT_EQ(cut.status, 400U) << cut.body;
    EXPECT_EQ(server.state().counts().dis.records, 0);
}

TEST_P(dis_compression, a_body_that_decodes_past_the_body_limit_is_refused_before_the_handler) {
    test_server small([](server::config& c) { c.body_limit = 4096; });
    ASSERT_EQ(
        small.request("POST", path("/streams"), R"({"stream_name":"orders","partition_count":1})").status,
        201U);
    const std::string big = R"({"stream_name":"orders","records":[{"data":")" + std::string(8000, 'A') +
                            R"(","partition_id":"0"}]})";
    const auto compressed = GetParam().compress(big);
    ASSERT_LT(compressed.size(), 4096U);  // the transport lets it in
    const auto reply =
        small.request("POST", path("/records"), compressed, compression_headers(GetParam(), big.size()));
    EXPECT_TRUE(
        is_dis_error(reply, "DIS.4200",
                     "Invalid request. [request body: decodes to more than the --body-limit of 4096 bytes]"))
        << reply.body;
    EXPECT_EQ(small.state().counts().dis.records, 0);
    // Just under the limit is fine.
    const std::string fits = R"({"stream_name":"orders","records":[{"data":")" + std::string(4000, 'A') +
                             R"(","partition_id":"0"}]})";
    EXPECT_EQ(small
                  .request("POST", path("/records"), GetParam().compress(fits),
                           compression_headers(GetParam(), fits.size()))
                  .status,
              200U);
}

TEST_P(dis_compression, strict_mode_verifies_the_signature_over_the_compressed_bytes) {
    routes::auth::auth_settings auth;
    auth.mode = routes::auth::auth_mode::strict;
    const std::string ak = "EXAMPLEAK0000000BODY";
    const std::string sk = "exampleSecretKey0123456789abcdefBODYSK000";
    auth.credentials = {{ak, sk, "", ""}};
    auth.tokens = {{test_token, "", "", std::nullopt}};
    test_server strict(auth);
    ASSERT_EQ(
        strict.request("POST", path("/streams"), R"({"stream_name":"orders","partition_count":1})").status,
        201U);

    // As the Java SDK: compress, add the headers, then sign every header and the compressed body.
    const auto signed_request = [&](const std::string& signed_body, const std::string& sent_body) {
        signable_request request;
        request.method = "POST";
        request.path = path("/records");
        request.headers = with(compression_headers(GetParam(), records_json.size()),
                               {{"Content-Type", "application/json; charset=utf-8"},
                                {"X-Project-Id", project_id},
                                {"Host", "127.0.0.1:" + std::to_string(strict.port())},
                                {"X-Sdk-Date", sdk_date(strict.clock().now_ms.load())}});
        request.body = signed_body;
        header_list headers = request.headers;
        headers.emplace_back("Authorization", legacy_dis_authorization(request, ak, sk, "cn-north-4"));
        return strict.request("POST", request.path, sent_body, headers);
    };
    const auto compressed = GetParam().compress(records_json);
    const auto accepted = signed_request(compressed, compressed);
    ASSERT_TRUE(is_json_answer(accepted)) << accepted.body;
    EXPECT_EQ(strict.state().counts().dis.records, 2);
    // A signature over the uncompressed body is not what was sent.
    const auto refused = signed_request(records_json, compressed);
    EXPECT_EQ(refused.status, 441U) << refused.body;
    EXPECT_EQ(refused.json()["errorCode"].GetString(), std::string("DIS.4100")) << refused.body;
    EXPECT_EQ(strict.state().counts().dis.records, 2);
}

INSTANTIATE_TEST_SUITE_P(codecs, dis_compression, testing::ValuesIn(codecs),
                         [](const testing::TestParamInfo<codec>& param_info) {
                             return param_info.param.name;
                         });

// ==== the length headers ===========================================================================

class dis_compression_headers : public testing::Test {
  protected:
    void SetUp() override {
        ASSERT_EQ(server.request("POST", path("/streams"), R"({"stream_name":"orders","partition_count":1})")
                      .status,
                  201U);
    }

    http_reply send(const std::string& body, const header_list& headers) const {
        return server.request("POST", path("/records"), body, headers);
    }

    std::int64_t stored() { return server.state().counts().dis.records; }

    test_server server;
};

TEST_F(dis_compression_headers, lz4_needs_its_exact_uncompressed_length) {
    const auto block = lz4_block(records_json);
    const auto missing = send(block, {{"Content-Encoding", "lz4"}});
    EXPECT_TRUE(
        is_dis_error(missing, "DIS.4200",
                     "Invalid request. [x-dis-lz4-content-length: is required with Content-Encoding lz4]"))
        << missing.body;
    const auto malformed = send(block, {{"Content-Encoding", "lz4"}, {"x-dis-lz4-content-length", "12ab"}});
    EXPECT_TRUE(is_dis_error(malformed, "DIS.4200",
                             "Invalid request. [x-dis-lz4-content-length: must be a decimal byte count]"))
        << malformed.body;
    const auto negative = send(block, {{"Content-Encoding", "lz4"}, {"x-dis-lz4-content-length", "-1"}});
    EXPECT_EQ(negative.status, 400U);
    const auto shorter = std::to_string(records_json.size() - 1);
    const auto wrong = send(block, {{"Content-Encoding", "lz4"}, {"x-dis-lz4-content-length", shorter}});
    EXPECT_TRUE(is_dis_error(wrong, "DIS.4200",
                             "Invalid request. [request body: not an lz4 block of " + shorter +
                                 " bytes (x-dis-lz4-content-length)]"))
        << wrong.body;
    const auto longer = send(block, {{"Content-Encoding", "lz4"},
                                     {"x-dis-lz4-content-length", std::to_string(records_json.size() + 1)}});
    EXPECT_EQ(longer.status, 400U);
    const auto huge = send(block, {{"Content-Encoding", "lz4"}, {"x-dis-lz4-content-length", "99999999999"}});
    EXPECT_TRUE(is_dis_error(
        huge, "DIS.4200",
        "Invalid request. [request body: decodes to more than the --body-limit of 8388608 bytes]"))
        << huge.body;
    EXPECT_EQ(stored(), 0);
    EXPECT_EQ(send(block, {{"Content-Encoding", "LZ4"},
                           {"X-Dis-Lz4-Content-Length", std::to_string(records_json.size())}})
                  .status,
              200U);
    EXPECT_EQ(stored(), 2);
}

TEST_F(dis_compression_headers, the_zstd_length_is_optional_but_must_be_right_when_given) {
    const auto frame = zstd_frame(records_json);
    EXPECT_EQ(send(frame, {{"Content-Encoding", "zstd"}}).status, 200U);
    const auto wrong = send(frame, {{"Content-Encoding", "zstd"}, {"x-dis-zstd-content-length", "3"}});
    EXPECT_TRUE(is_dis_error(wrong, "DIS.4200",
                             "Invalid request. [x-dis-zstd-content-length: is 3, the body decodes to " +
                                 std::to_string(records_json.size()) + " bytes]"))
        << wrong.body;
    EXPECT_EQ(stored(), 2);
    // A frame without its size decodes too, and still stops at the body limit.
    EXPECT_EQ(send(zstd_frame_without_size(records_json), {{"Content-Encoding", "zstd"}}).status, 200U);
    EXPECT_EQ(stored(), 4);
}

TEST_F(dis_compression_headers, a_zstd_frame_that_hides_its_size_cannot_decode_past_the_limit) {
    test_server small([](server::config& c) { c.body_limit = 100'000; });
    ASSERT_EQ(
        small.request("POST", path("/streams"), R"({"stream_name":"orders","partition_count":1})").status,
        201U);
    const std::string bomb(10'000'000, '{');  // 10 MB of one byte: a few hundred bytes compressed
    const auto frame = zstd_frame_without_size(bomb);
    ASSERT_LT(frame.size(), 100'000U);
    const auto reply = small.request("POST", path("/records"), frame, {{"Content-Encoding", "zstd"}});
    EXPECT_TRUE(is_dis_error(
        reply, "DIS.4200",
        "Invalid request. [request body: decodes to more than the --body-limit of 100000 bytes]"))
        << reply.body;
}

TEST_F(dis_compression_headers, unknown_encodings_are_refused_and_identity_is_the_body_as_it_is) {
    for (const char* encoding : {"gzip", "br", "deflate", "lz4, zstd"}) {
        const auto reply = send(records_json, {{"Content-Encoding", encoding}});
        EXPECT_TRUE(is_dis_error(reply, "DIS.4200",
                                 "Invalid request. [Content-Encoding: " + std::string(encoding) +
                                     " is not supported; DIS takes lz4, snappy, zstd or identity]"))
            << reply.body;
    }
    EXPECT_EQ(stored(), 0);
    EXPECT_EQ(send(records_json, {{"Content-Encoding", "identity"}}).status, 200U);
    EXPECT_EQ(stored(), 2);
    // Two Content-Encoding headers would leave it to chance which one counts.
    raw_connection connection(server.port());
    const auto block = lz4_block(records_json);
    ASSERT_TRUE(connection.send(raw_head("POST", path("/records"),
                                         "Content-Type: application/json\r\nContent-Encoding: lz4\r\n"
                                         "Content-Encoding: identity\r\nx-dis-lz4-content-length: " +
                                             std::to_string(records_json.size()) +
                                             "\r\nContent-Length: " + std::to_string(block.size()) + "\r\n") +
                                block));
    const auto twice = connection.read_reply();
    ASSERT_TRUE(twice.has_value());
    EXPECT_TRUE(
        is_dis_error(*twice, "DIS.4200", "Invalid request. [Content-Encoding: is given more than once]"))
        << twice->body;
    EXPECT_EQ(stored(), 2);
}

TEST_F(dis_compression_headers, a_zstd_frame_may_not_ask_for_a_window_past_8_mib_under_the_default_limit) {
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, 24);  // 16 MiB, written in the frame header
    std::string frame(ZSTD_compressBound(records_json.size()) + 64, '\0');
    ZSTD_inBuffer in{records_json.data(), records_json.size(), 0};
    ZSTD_outBuffer out{frame.data(), frame.size(), 0};
    // Fed before it is ended, so zstd cannot shrink the window to the input it has seen.
    ASSERT_FALSE(ZSTD_isError(ZSTD_compressStream2(cctx, &out, &in, ZSTD_e_continue)));
    ZSTD_inBuffer rest{nullptr, 0, 0};
    ASSERT_EQ(ZSTD_compressStream2(cctx, &out, &rest, ZSTD_e_end), 0U);
    ZSTD_freeCCtx(cctx);
    frame.resize(out.pos);
    const auto reply = send(frame, {{"Content-Encoding", "zstd"}});
    EXPECT_TRUE(
        is_dis_error(reply, "DIS.4200",
                     "Invalid request. [request body: not zstd frames (Frame requires too much memory for "
                     "decoding)]"))
        << reply.body;
    EXPECT_EQ(stored(), 0);
}

TEST_F(dis_compression_headers, the_journal_keeps_the_decoded_body) {
    ASSERT_EQ(send(snappy_raw(records_json), {{"Content-Encoding", "snappy"}}).status, 200U);
    const auto journal = server.request("GET", "/_emulator/requests").json();
    const auto& entries = journal["requests"];
    ASSERT_GE(entries.Size(), 2U);
    const auto& last = entries[entries.Size() - 1];
    EXPECT_EQ(std::string(last["request_body"].GetString()), records_json);
}

TEST_F(dis_compression_headers, dms_routes_do_not_read_content_encoding) {
    // The body is read as it came: JSON, whatever the header says.
    const auto reply =
        server.request("POST", "/v2/" + project_id + "/kafka/instances", "{}", {{"Content-Encoding", "lz4"}});
    EXPECT_EQ(reply.status, 400U);
    EXPECT_NE(reply.body.find("DMS."), std::string::npos) << reply.body;
    EXPECT_EQ(reply.body.find("Content-Encoding"), std::string::npos) << reply.body;
}

TEST_F(dis_compression_headers, a_get_has_no_body_to_decode) {
    const auto reply = server.request("GET", path("/streams/orders"), {}, {{"Content-Encoding", "gzip"}});
    EXPECT_TRUE(is_json_answer(reply)) << reply.body;
}

}  // namespace
}  // namespace emu::test
