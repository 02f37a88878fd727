// Request-target parsing (path split and percent-decoding, query pairs) and path-template matching. The
// router's answer is checked against the table itself: a match fits its template exactly, captures every
// parameter in order, and no matching route is more specific; no match means no route fits.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz/fuzz_support.hpp"

namespace {

using emu::routes::route;

void fail(const char* what, const std::string& target) {
    std::fprintf(stderr, "%s: %s\n", what, target.c_str());
    std::abort();
}

// A route that takes an optional trailing '/' also fits the path with one more, empty, last segment.
bool fits(const route& r, const std::vector<std::string>& segments) {
    const bool slash =
        r.trailing_slash && segments.size() == r.segments.size() + 1 && segments.back().empty();
    if (r.segments.size() != segments.size() && !slash) return false;
    for (std::size_t i = 0; i < r.segments.size(); ++i) {
        const auto& s = r.segments[i];
        if (s.is_param ? segments[i].empty() : s.text != segments[i]) return false;
    }
    return true;
}

// A literal beats a parameter at the first place two templates differ.
bool more_specific(const route& a, const route& b) {
    for (std::size_t i = 0; i < a.segments.size() && i < b.segments.size(); ++i) {
        if (a.segments[i].is_param != b.segments[i].is_param) return !a.segments[i].is_param;
    }
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string target(emu::fuzz::as_text(data, size));
    emu::routes::request_context ctx;
    emu::routes::parse_target(ctx, target);
    if (ctx.raw_path + (target.find('?') == std::string::npos ? "" : "?" + ctx.raw_query) != target) {
        fail("the target does not split into path and query", target);
    }
    for (const auto& segment : ctx.segments) {
        if (segment.size() > ctx.raw_path.size()) fail("a decoded segment is longer than the path", target);
    }
    const auto& pipeline = emu::fuzz::default_pipeline();
    for (const char* method : {"GET", "POST", "PUT", "DELETE", "PATCH"}) {
        const auto result = pipeline.match(method, ctx.segments);
        if (result.found == nullptr) {
            for (const auto& r : pipeline.routes()) {
                if (r.method == method && fits(r, ctx.segments))
                    fail("a fitting route was not matched", target);
            }
            if (!result.params.empty()) fail("parameters without a route", target);
            continue;
        }
        const route& found = *result.found;
        if (found.method != method || !fits(found, ctx.segments))
            fail("the matched template does not fit", target);
        if (result.trailing_slash != (found.segments.size() < ctx.segments.size()))
            fail("the trailing '/' is not reported", target);
        std::size_t p = 0;
        for (std::size_t i = 0; i < found.segments.size(); ++i) {
            if (!found.segments[i].is_param) continue;
            if (p >= result.params.size() || result.params[p].first != found.segments[i].text ||
                result.params[p].second != ctx.segments[i]) {
                fail("a path parameter was not captured", target);
            }
            ++p;
        }
        if (p != result.params.size()) fail("more parameters than the template has", target);
        for (const auto& r : pipeline.routes()) {
            if (&r != &found && r.method == method && fits(r, ctx.segments) && more_specific(r, found)) {
                fail("a more specific route was passed over", target);
            }
        }
    }
    return 0;
}
