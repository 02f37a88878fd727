#include "server/http/wire.hpp"

#include <boost/beast/http/status.hpp>
#include <cstdint>
#include <iterator>
#include <random>
#include <utility>

namespace emu::server::http {

namespace beast_http = boost::beast::http;

routes::request_context to_request_context(beast_http::request<beast_http::string_body>&& request,
                                           std::string request_id) {
    routes::request_context ctx;
    ctx.request_id = std::move(request_id);
    ctx.method = std::string(request.method_string());
    routes::parse_target(ctx, request.target());
    ctx.headers.reserve(static_cast<std::size_t>(std::distance(request.begin(), request.end())));
    for (const auto& field : request) ctx.headers.emplace_back(field.name_string(), field.value());
    ctx.body = std::move(request.body());
    return ctx;
}

std::string new_request_id() {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    static constexpr char hex[] = "0123456789abcdef";
    std::string id(32, '0');
    for (std::size_t i = 0; i < id.size(); i += 16) {
        std::uint64_t bits = engine();
        for (std::size_t j = 0; j < 16; ++j, bits >>= 4) id[i + j] = hex[bits & 0xf];
    }
    return id;
}

std::string_view reason_phrase(unsigned status) {
    // nginx's phrase for the status it introduced for oversized request headers.
    if (status == 494) return "Request Header Too Large";
    const auto known = beast_http::int_to_status(status);
    if (known != beast_http::status::unknown) return beast_http::obsolete_reason(known);
    switch (beast_http::to_status_class(status)) {
        case beast_http::status_class::informational:
            return "Informational";
        case beast_http::status_class::successful:
            return "Success";
        case beast_http::status_class::redirection:
            return "Redirection";
        case beast_http::status_class::client_error:
            return "Client Error";
        case beast_http::status_class::server_error:
            return "Server Error";
        case beast_http::status_class::unknown:
            break;
    }
    return "Unknown";
}

std::string response_head(const routes::response& answer, std::string_view request_id, bool keep_alive) {
    const std::string_view reason = reason_phrase(answer.status);
    std::string head;
    head.reserve(128 + answer.content_type.size());
    head.append("HTTP/1.1 ").append(std::to_string(answer.status)).append(" ").append(reason).append("\r\n");
    head.append("X-Request-Id: ").append(request_id).append("\r\n");
    if (!answer.content_type.empty())
        head.append("Content-Type: ").append(answer.content_type).append("\r\n");
    if (!keep_alive) head.append("Connection: close\r\n");
    head.append("Content-Length: ").append(std::to_string(answer.body.size())).append("\r\n");
    head.append("\r\n");
    return head;
}

}  // namespace emu::server::http
