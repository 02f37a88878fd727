#include "fuzz/fuzz_support.hpp"

#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "routes/control/fixture.hpp"
#include "server/app.hpp"

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

// The server's configuration, with the journal off and no storage cap, as the fuzz targets always ran. The
// catch site logs at error level; the fuzzer's output keeps only the reports that matter, and a 5xx is
// reported by check_answer() anyway.
server::config quiet_config() {
    spdlog::set_level(spdlog::level::off);
    server::config settings;
    settings.journal_size = 0;
    settings.max_stored_bytes = 0;
    return settings;
}

// The composition root every binary starts from, without listeners: its pipeline serves every input.
server::app& fuzz_app() {
    static server::app a(quiet_config(), server::app_options{[] { return fixed_now_ms; }, std::nullopt});
    return a;
}

}  // namespace

std::unique_ptr<state::state> seeded_state() {
    const auto& pipeline = default_pipeline();
    // The control plane outlives one input: fault rules an earlier input added (POST /_emulator/faults)
    // must not answer for this one, or a crash would not replay from its input alone.
    pipeline.control().faults.clear();
    pipeline.control().requests.clear();
    auto st = fuzz_app().new_state();
    routes::control::load_fixture_text(fixture_text(), "examples/fixture.json", *st);
    auto create_group = make_request(
        "POST", "/v2/" + std::string(project_id) + "/kafka/instances/" + std::string(instance_id) + "/group",
        R"({"group_name":")" + std::string(group) + R"(","group_desc":"fuzz"})");
    check_answer(pipeline.handle(create_group, *st), "seeding a consumer group");
    return st;
}

const routes::pipeline& default_pipeline() {
    return fuzz_app().pipeline();
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
