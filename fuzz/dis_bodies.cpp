// DIS requests: the JSON bodies of every DIS route that takes one, the query strings of those that read
// their arguments from the query, and the protobuf forms of PutRecords and GetRecords (Content-Type
// application/x-protobuf), each body optionally compressed as DIS's native SDKs compress it.
//
// The first byte picks the route (its value mod 16) and the body's encoding (its value / 16 mod 8); the
// rest is the body or the query. Encodings 1-3 compress the input with lz4, snappy or zstd and send the
// headers the Java SDK sends, so the handler sees the fuzzed bytes once decoded; 4-6 send the input itself
// as lz4 (its first two bytes the declared length), snappy or zstd, so the decoders see the fuzzed bytes;
// 7 names an encoding DIS does not take. Seeds whose first byte is below 14 are the plain JSON and query
// inputs this target always took. Each input runs against a freshly seeded state through the pipeline, the
// only catch site; a protobuf answer must parse as the message its route answers.
#include <lz4.h>
#include <snappy.h>
#include <zstd.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_support.hpp"
#include "routes/dis/records.pb.h"

namespace {

enum class input_goes_to { body, query };

struct dis_route {
    const char* method;
    std::string path;
    input_goes_to input;
    bool protobuf = false;  // sent with Content-Type: application/x-protobuf
};

std::array<dis_route, 19> dis_routes() {
    const std::string v2 = "/v2/" + std::string(emu::fuzz::project_id);
    const std::string stream(emu::fuzz::stream);
    const std::string app(emu::fuzz::app);
    constexpr auto body = input_goes_to::body;
    constexpr auto query = input_goes_to::query;
    return {{
        {"POST", v2 + "/streams", body},
        {"PUT", v2 + "/streams/" + stream, body},
        {"POST", v2 + "/records", body},
        {"POST", v2 + "/apps", body},
        {"POST", v2 + "/checkpoints", body},
        {"GET", v2 + "/streams", query},
        {"GET", v2 + "/streams/" + stream, query},
        {"GET", v2 + "/cursors", query},
        {"GET", v2 + "/records", query},
        {"GET", v2 + "/apps", query},
        {"GET", v2 + "/apps/" + app + "/streams/" + stream, query},
        {"GET", v2 + "/checkpoints", query},
        {"DELETE", v2 + "/checkpoints", query},
        {"DELETE", v2 + "/streams/" + stream, query},
        // Appended, so the first byte of the older corpus entries still picks their route.
        {"POST", v2 + "/records", body, true},
        {"GET", v2 + "/records", query, true},
        {"POST", v2 + "/apps/" + app + "/consumers", body},
        {"POST", v2 + "/apps/" + app + "/consumers/consumer-1/heartbeats", body},
        {"POST", v2 + "/apps/" + app + "/consumers/consumer-1/partitions", body},
    }};
}

std::string lz4_block(const std::string& input) {
    std::string out(static_cast<std::size_t>(LZ4_compressBound(static_cast<int>(input.size()))), '\0');
    const int size = LZ4_compress_default(input.data(), out.data(), static_cast<int>(input.size()),
                                          static_cast<int>(out.size()));
    out.resize(size > 0 ? static_cast<std::size_t>(size) : 0);
    return out;
}

std::string zstd_frame(const std::string& input) {
    std::string out(ZSTD_compressBound(input.size()), '\0');
    const std::size_t size = ZSTD_compress(out.data(), out.size(), input.data(), input.size(), 1);
    out.resize(ZSTD_isError(size) ? 0 : size);
    return out;
}

// Turns the body into the encoding `mode` names, with the headers that go with it.
void encode(emu::routes::request_context& ctx, unsigned mode) {
    auto& headers = ctx.headers;
    const auto length = [&](const char* name, std::size_t bytes) {
        headers.emplace_back(name, std::to_string(bytes));
    };
    switch (mode) {
        case 1:
            length("x-dis-lz4-content-length", ctx.body.size());
            ctx.body = lz4_block(ctx.body);
            headers.emplace_back("Content-Encoding", "lz4");
            break;
        case 2: {
            std::string out;
            snappy::Compress(ctx.body.data(), ctx.body.size(), &out);
            ctx.body = std::move(out);
            headers.emplace_back("Content-Encoding", "snappy");
            break;
        }
        case 3:
            length("x-dis-zstd-content-length", ctx.body.size());
            ctx.body = zstd_frame(ctx.body);
            headers.emplace_back("Content-Encoding", "zstd");
            break;
        case 4: {
            std::size_t declared = 0;
            if (ctx.body.size() >= 2) {
                declared =
                    static_cast<unsigned char>(ctx.body[0]) * 256U + static_cast<unsigned char>(ctx.body[1]);
                ctx.body.erase(0, 2);
            }
            length("x-dis-lz4-content-length", declared);
            headers.emplace_back("Content-Encoding", "lz4");
            break;
        }
        case 5:
            headers.emplace_back("Content-Encoding", "snappy");
            break;
        case 6:
            headers.emplace_back("Content-Encoding", "zstd");
            break;
        case 7:
            headers.emplace_back("Content-Encoding", "gzip");
            break;
        default:
            break;
    }
}

// A protobuf answer only to a protobuf request, and then the message its route answers.
void check_protobuf_answer(const emu::routes::response& answer, const dis_route& route) {
    if (answer.content_type != "application/x-protobuf") return;
    bool parsed = false;
    if (route.protobuf && route.input == input_goes_to::body) {
        emu::routes::dis::pb::PutRecordsResult result;
        parsed = result.ParseFromString(answer.body);
    } else if (route.protobuf) {
        emu::routes::dis::pb::GetRecordsResult result;
        parsed = result.ParseFromString(answer.body);
    }
    if (!parsed) {
        std::fprintf(stderr, "%s %s: unexpected or malformed protobuf answer (%zu bytes)\n", route.method,
                     route.path.c_str(), answer.body.size());
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto routes = dis_routes();
    if (size == 0) return 0;
    const auto& chosen = routes[data[0] % routes.size()];
    const unsigned encoding = (data[0] / routes.size()) % 8;
    const std::string input(emu::fuzz::as_text(data + 1, size - 1));
    auto st = emu::fuzz::seeded_state();
    auto ctx = chosen.input == input_goes_to::body
                   ? emu::fuzz::make_request(chosen.method, chosen.path, input)
                   : emu::fuzz::make_request(chosen.method, chosen.path + "?" + input, {});
    if (chosen.protobuf) {
        for (auto& [name, value] : ctx.headers) {
            if (name == "Content-Type") value = "application/x-protobuf; charset=utf-8";
        }
    }
    if (chosen.input == input_goes_to::body) encode(ctx, encoding);
    const auto answer = emu::fuzz::default_pipeline().handle(ctx, *st);
    emu::fuzz::check_answer(answer, chosen.path);
    check_protobuf_answer(answer, chosen);
    return 0;
}
