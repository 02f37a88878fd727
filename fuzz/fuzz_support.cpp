#include "fuzz/fuzz_support.hpp"

#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "routes/fixture.hpp"

namespace emu::fuzz {

namespace {

constexpr std::int64_t fixed_now_ms = 1'700'000'100'000;

const std::string& fixture_text() {
    static const std::string text = [] {
        std::ifstream in(EMU_SOURCE_DIR "/examples/fixture.json", std::ios::binary);
        if (!in) {
            std::fprintf(stderr, "cannot read %s\n", EMU_SOURCE_DIR "/examples/fixture.json");
            std::abort();
        }
        std::ostringstream out;
        out << in.rdbuf();
        return out.str();
    }();
    return text;
}

}  // namespace

std::unique_ptr<state::state> seeded_state() {
    const auto& router = default_router();
    // The control plane outlives one input: fault rules an earlier input added (POST /_emulator/faults)
    // must not answer for this one, or a crash would not replay from its input alone.
    router.control().faults.clear();
    router.control().requests.clear();
    auto st = std::make_unique<state::state>([] { return fixed_now_ms; });
    routes::load_fixture_text(fixture_text(), "examples/fixture.json", *st);
    auto create_group = make_request(
        "POST", "/v2/" + std::string(project_id) + "/kafka/instances/" + std::string(instance_id) + "/group",
        R"({"group_name":")" + std::string(group) + R"(","group_desc":"fuzz"})");
    check_answer(router.dispatch(create_group, *st), "seeding a consumer group");
    return st;
}

const routes::router& default_router() {
    static const routes::router r = [] {
        // The catch site logs at error level; the fuzzer's output keeps only the reports that matter, and a
        // 5xx is reported by check_answer() anyway.
        spdlog::set_level(spdlog::level::off);
        auto made = routes::make_router();
        routes::auth_settings auth;
        auth.now_ms = [] { return fixed_now_ms; };
        made.set_auth(std::move(auth));
        return made;
    }();
    return r;
}

void check_answer(const routes::response& answer, std::string_view what) {
    // A 5xx is a failure unless a fault rule the input itself added asked for it.
    if (answer.status >= 500 && answer.fault_id == 0) {
        std::fprintf(stderr, "%.*s: status %u: %s\n", static_cast<int>(what.size()), what.data(),
                     answer.status, answer.body.c_str());
        std::abort();
    }
    if (answer.content_type.starts_with("application/json")) {
        rapidjson::Document doc;
        doc.Parse(answer.body.c_str(), answer.body.size());
        if (doc.HasParseError()) {
            std::fprintf(stderr, "%.*s: answer is not JSON: %s\n", static_cast<int>(what.size()), what.data(),
                         answer.body.c_str());
            std::abort();
        }
    }
}

routes::request_context make_request(std::string method, std::string_view target, std::string body) {
    routes::request_context ctx;
    ctx.request_id = "0123456789abcdef0123456789abcdef";
    ctx.method = std::move(method);
    routes::parse_target(ctx, target);
    ctx.headers = {{"Content-Type", "application/json"}, {"X-Auth-Token", "MIIfuzz-token"}};
    ctx.body = std::move(body);
    return ctx;
}

}  // namespace emu::fuzz
