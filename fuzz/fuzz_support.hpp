#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "routes/http/request.hpp"
#include "routes/pipeline.hpp"
#include "state/state.hpp"

// What every fuzz target shares: a state seeded the same way for each input (so a crash replays from its
// input alone), the real route table, and the checks an answer must pass whatever the input was.
namespace emu::fuzz {

// The IDs of examples/fixture.json, which seeds every state.
inline constexpr std::string_view project_id = "0123456789abcdef0123456789abcdef";
inline constexpr std::string_view instance_id = "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
inline constexpr std::string_view topic = "orders";
inline constexpr std::string_view stream = "orders";
inline constexpr std::string_view app = "billing";
inline constexpr std::string_view group = "billing-consumers";

// A fresh state on a fixed clock, loaded with examples/fixture.json plus one consumer group.
std::unique_ptr<state::state> seeded_state();

// The emulator's request pipeline, built by the app as the server builds it (loose mode, fixed clock).
const routes::pipeline& default_pipeline();

// Aborts (which libFuzzer reports with the input) when the answer shows a failure no input may cause:
// a 5xx from the catch-all, or a JSON answer whose body is not JSON.
void check_answer(const routes::response& answer, std::string_view what);

// A request as the server would build it, with a token and a JSON Content-Type.
routes::request_context make_request(std::string method, std::string_view target, std::string body);

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

}  // namespace emu::fuzz
