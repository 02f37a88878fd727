#include "routes/http/request.hpp"

#include <algorithm>
#include <array>

#include "routes/http/text.hpp"

namespace emu::routes {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

// '+' stays '+': the SDKs encode spaces as %20, and signatures are computed over that form.
std::string percent_decode(std::string_view text) {
    if (text.find('%') == std::string_view::npos) return std::string(text);  // the common case
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            const int hi = hex_value(text[i + 1]);
            const int lo = hex_value(text[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        out.push_back(text[i]);
    }
    return out;
}

bool is_secret_name(std::string_view name) {
    // One pass, no copy: this runs for every header and query name of every journaled request. At each
    // position only the markers that begin with that letter are compared ("auth" also covers
    // "authorization").
    const auto marker_at = [name](std::size_t i, std::string_view marker) {
        return name.size() - i >= marker.size() && iequals(name.substr(i, marker.size()), marker);
    };
    if (iequals(name, "sk")) return true;
    for (std::size_t i = 0; i < name.size(); ++i) {
        bool found = false;
        switch (ascii_lower(name[i])) {
            case 'a':
                found = marker_at(i, "auth");
                break;
            case 'c':
                found = marker_at(i, "credential") || marker_at(i, "cookie");
                break;
            case 'k':
                found = marker_at(i, "key");
                break;
            case 'p':
                found = marker_at(i, "password") || marker_at(i, "passwd") || marker_at(i, "private");
                break;
            case 's':
                found = marker_at(i, "secret") || marker_at(i, "session") || marker_at(i, "signature");
                break;
            case 't':
                found = marker_at(i, "token");
                break;
            default:
                break;
        }
        if (found) return true;
    }
    return false;
}

std::string redact_query(std::string_view query, std::string_view replacement) {
    std::string out;
    out.reserve(query.size());
    std::size_t pos = 0;
    while (pos <= query.size()) {
        const auto amp = query.find('&', pos);
        const auto end = amp == std::string_view::npos ? query.size() : amp;
        const std::string_view pair = query.substr(pos, end - pos);
        const auto eq = pair.find('=');
        const std::string_view name = pair.substr(0, eq);
        const bool secret = eq != std::string_view::npos &&
                            (name.find('%') == std::string_view::npos ? is_secret_name(name)
                                                                      : is_secret_name(percent_decode(name)));
        if (secret) {
            out.append(pair.substr(0, eq + 1)).append(replacement);
        } else {
            out.append(pair);
        }
        if (amp == std::string_view::npos) break;
        out.push_back('&');
        pos = amp + 1;
    }
    return out;
}

std::string redacted_target(std::string_view target) {
    const auto question = target.find('?');
    if (question == std::string_view::npos) return std::string(target);
    return std::string(target.substr(0, question + 1)) +
           redact_query(target.substr(question + 1), "REDACTED");
}

void parse_target(request_context& ctx, std::string_view target) {
    ctx.target = std::string(target);
    const auto question = target.find('?');
    const std::string_view path = target.substr(0, question);
    const std::string_view query =
        question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
    ctx.raw_path = std::string(path);
    ctx.raw_query = std::string(query);

    ctx.segments.clear();
    std::size_t start = path.starts_with('/') ? 1 : 0;
    while (start <= path.size()) {
        const auto slash = path.find('/', start);
        const auto end = slash == std::string_view::npos ? path.size() : slash;
        ctx.segments.push_back(percent_decode(path.substr(start, end - start)));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }

    ctx.query.clear();
    std::size_t pos = 0;
    while (pos < query.size()) {
        const auto amp = query.find('&', pos);
        const auto end = amp == std::string_view::npos ? query.size() : amp;
        const std::string_view pair = query.substr(pos, end - pos);
        if (!pair.empty()) {
            const auto eq = pair.find('=');
            if (eq == std::string_view::npos) {
                ctx.query.emplace_back(percent_decode(pair), std::string{});
            } else {
                ctx.query.emplace_back(percent_decode(pair.substr(0, eq)),
                                       percent_decode(pair.substr(eq + 1)));
            }
        }
        if (amp == std::string_view::npos) break;
        pos = amp + 1;
    }
}

const std::string* request_context::query_param(std::string_view name) const {
    for (const auto& [key, value] : query) {
        if (key == name) return &value;
    }
    return nullptr;
}

const std::string* request_context::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) return &value;
    }
    return nullptr;
}

const std::string& request_context::param(std::string_view name) const {
    static const std::string none;
    for (const auto& [key, value] : params) {
        if (key == name) return value;
    }
    return none;
}

}  // namespace emu::routes
