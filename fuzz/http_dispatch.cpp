// Raw bytes -> Beast's request parser (as the server configures it) -> request_context -> the pipeline,
// in process and without a socket. Several requests may follow each other in one input, as on a keep-alive
// connection, so sequences of calls on one state are explored too.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "fuzz/fuzz_support.hpp"
#include "server/config.hpp"
#include "server/http/wire.hpp"

namespace {

namespace http = boost::beast::http;

constexpr int max_requests_per_input = 8;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const emu::server::config defaults;
    auto st = emu::fuzz::seeded_state();
    const auto& pipeline = emu::fuzz::default_pipeline();
    auto rest = emu::fuzz::as_text(data, size);
    for (int i = 0; i < max_requests_per_input && !rest.empty(); ++i) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(defaults.body_limit);
        parser.eager(true);
        boost::beast::error_code ec;
        while (!parser.is_done()) {
            const auto used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
            rest.remove_prefix(used);
            if (ec == http::error::need_more) ec = {};
            if (ec) break;
            if (used == 0 && !parser.is_done()) {
                // The input ends here, as a peer closing its side would.
                parser.put_eof(ec);
                break;
            }
        }
        // The server answers a parse failure with a transport error and closes the connection.
        if (ec || !parser.is_done()) return 0;
        auto ctx =
            emu::server::http::to_request_context(parser.release(), "0123456789abcdef0123456789abcdef");
        emu::fuzz::check_answer(pipeline.handle(ctx, *st), "dispatch");
    }
    return 0;
}
