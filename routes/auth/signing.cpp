#include "routes/auth/signing.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <memory>
#include <stdexcept>

#include "routes/http/text.hpp"

namespace emu::routes::auth::signing {

namespace {

bool unreserved(unsigned char c) {
    return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~';
}

const std::string* find_header(const string_pairs& headers, std::string_view lower_name) {
    for (const auto& [name, value] : headers) {
        if (ascii_lowered(name) == lower_name) return &value;
    }
    return nullptr;
}

template <typename Parts>
std::string join(const Parts& parts, std::string_view separator) {
    std::string out;
    bool first = true;
    for (const auto& part : parts) {
        if (!first) out += separator;
        out += part;
        first = false;
    }
    return out;
}

// A string to sign: its lines joined by "\n".
std::string lines(std::initializer_list<std::string_view> parts) {
    return join(parts, "\n");
}

std::string payload_hash(const signed_request& request) {
    return request.unsigned_payload ? std::string(unsigned_payload) : sha256_hex(request.body);
}

// The six parts of §2.3 (§5 alike), with the URI and query already canonical.
std::string assemble(const signed_request& request, std::string_view signed_headers, const std::string& uri,
                     const std::string& query) {
    std::string headers;
    for (const auto& name : split_signed_headers(signed_headers)) {
        const std::string lower = ascii_lowered(name);
        const auto* value = find_header(*request.headers, lower);
        headers += lower + ":" +
                   std::string(trim(value == nullptr ? std::string_view{} : std::string_view(*value))) + "\n";
    }
    std::string out(request.method);
    out += "\n" + uri;
    out += "\n" + query;
    out += "\n" + headers;
    out += "\n" + std::string(signed_headers);
    out += "\n" + payload_hash(request);
    return out;
}

}  // namespace

std::string hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 0xf]);
    }
    return out;
}

std::string sha256_hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("SHA-256 failed");
    }
    return hex(std::string_view(reinterpret_cast<const char*>(digest), length));
}

std::string hmac_sha256(std::string_view key, std::string_view message) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest,
             &length) == nullptr) {
        throw std::runtime_error("HMAC-SHA256 failed");
    }
    return std::string(reinterpret_cast<const char*>(digest), length);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string uri_encode(std::string_view text) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const unsigned char c : text) {
        if (unreserved(c)) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(digits[c >> 4]);
            out.push_back(digits[c & 0xf]);
        }
    }
    return out;
}

std::string canonical_uri(std::string_view raw_path, dialect rules) {
    // Decoding first turns an encoded '/' (%2F) into a separator, as the SDK's signer does.
    const std::string decoded = percent_decode(raw_path);
    std::vector<std::string> parts;
    if (rules == dialect::sdk_core) {
        for (const auto segment : split(decoded, '/')) parts.push_back(uri_encode(segment));
        std::string out = join(parts, "/");
        if (!out.ends_with('/')) out.push_back('/');
        return out;
    }
    for (const auto segment : split(decoded, '/')) {
        if (segment.empty() || segment == ".") continue;
        if (segment == "..") {
            if (!parts.empty()) parts.pop_back();
            continue;
        }
        parts.push_back(uri_encode(segment));
    }
    std::string out = "/" + join(parts, "/");
    if (!out.ends_with('/')) out.push_back('/');
    return out;
}

std::string canonical_query(const string_pairs& query, dialect rules) {
    std::vector<std::string> parts;
    parts.reserve(query.size());
    if (rules == dialect::legacy_dis) {
        // The Python SDK sorts the items it has written, not the pairs (disauth.py CanonicalQueryString).
        for (const auto& [name, value] : query) {
            parts.push_back(value.empty() ? uri_encode(name) : uri_encode(name) + "=" + uri_encode(value));
        }
        std::sort(parts.begin(), parts.end());
        return join(parts, "&");
    }
    string_pairs sorted = query;
    std::sort(sorted.begin(), sorted.end());
    for (const auto& [name, value] : sorted) parts.push_back(uri_encode(name) + "=" + uri_encode(value));
    return join(parts, "&");
}

std::vector<std::string> split_signed_headers(std::string_view signed_headers) {
    std::vector<std::string> names;
    for (const auto name : split(signed_headers, ';')) names.emplace_back(name);
    return names;
}

std::string canonical_request(const signed_request& request, std::string_view signed_headers, dialect rules) {
    return assemble(request, signed_headers, canonical_uri(request.raw_path, rules),
                    canonical_query(*request.query, rules));
}

std::string sdk_signature(std::string_view secret_key, std::string_view sdk_date,
                          std::string_view canonical) {
    return hex(hmac_sha256(secret_key, lines({sdk_algorithm, sdk_date, sha256_hex(canonical)})));
}

std::string hkdf_sha256(std::string_view salt, std::string_view key, std::string_view info,
                        std::size_t length) {
    const std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
        EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr), &EVP_PKEY_CTX_free);
    const auto bytes = [](std::string_view text) {
        return reinterpret_cast<const unsigned char*>(text.data());
    };
    std::string out(length, '\0');
    std::size_t written = length;
    if (ctx == nullptr || EVP_PKEY_derive_init(ctx.get()) <= 0 ||
        EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) <= 0 ||
        EVP_PKEY_CTX_set1_hkdf_salt(ctx.get(), bytes(salt), static_cast<int>(salt.size())) <= 0 ||
        EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), bytes(key), static_cast<int>(key.size())) <= 0 ||
        EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), bytes(info), static_cast<int>(info.size())) <= 0 ||
        EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &written) <= 0 ||
        written != length) {
        throw std::runtime_error("HKDF-SHA256 failed");
    }
    return out;
}

std::string v11_derived_key(std::string_view access_key, std::string_view secret_key, std::string_view info) {
    // HKDF-SHA256 with the AK as salt, the SK as key material and one 32-byte block, written in hex.
    return hex(hkdf_sha256(access_key, secret_key, info, 32));
}

std::string v11_signature(std::string_view access_key, std::string_view secret_key, std::string_view sdk_date,
                          std::string_view info, std::string_view canonical) {
    const std::string to_sign = lines({v11_algorithm, sdk_date, info, sha256_hex(canonical)});
    return hex(hmac_sha256(v11_derived_key(access_key, secret_key, info), to_sign));
}

std::string legacy_signature(std::string_view secret_key, std::string_view sdk_date, std::string_view date,
                             std::string_view region, std::string_view canonical,
                             std::string_view algorithm) {
    const std::string scope = std::string(date) + "/" + std::string(region) + "/dis/sdk_request";
    const std::string to_sign = lines({algorithm, sdk_date, scope, sha256_hex(canonical)});
    std::string key = hmac_sha256("SDK" + std::string(secret_key), date);
    key = hmac_sha256(key, region);
    key = hmac_sha256(key, "dis");
    key = hmac_sha256(key, "sdk_request");
    return hex(hmac_sha256(key, to_sign));
}

std::string dis_v11_signature(std::string_view access_key, std::string_view secret_key,
                              std::string_view sdk_date, std::string_view date, std::string_view region,
                              std::string_view canonical) {
    const std::string info = std::string(date) + "/" + std::string(region) + "/dis";
    return legacy_signature(v11_derived_key(access_key, secret_key, info), sdk_date, date, region, canonical,
                            v11_algorithm);
}

std::optional<std::string_view> host_without_port(std::string_view host) {
    const auto colon = host.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == host.size()) return std::nullopt;
    const auto port = host.substr(colon + 1);
    if (!std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
        return std::nullopt;
    }
    const auto name = host.substr(0, colon);
    // An IPv6 literal keeps its colons inside the brackets; a bare one has no port to remove.
    if (name.find(':') != std::string_view::npos && !(name.starts_with('[') && name.ends_with(']'))) {
        return std::nullopt;
    }
    return name;
}

std::vector<std::string> dis_sdk_canonical_requests(const signed_request& request,
                                                    std::string_view signed_headers, dis_signers signers) {
    std::vector<std::string> out;
    const auto add = [&out](std::string canonical) {
        if (std::find(out.begin(), out.end(), canonical) == out.end()) out.push_back(std::move(canonical));
    };
    const std::string uri = canonical_uri(request.raw_path, dialect::legacy_dis);
    const std::string python_query = canonical_query(*request.query, dialect::legacy_dis);
    add(assemble(request, signed_headers, uri, python_query));

    const auto names = split_signed_headers(signed_headers);
    const bool host_signed = std::find(names.begin(), names.end(), "host") != names.end();
    const auto* host = find_header(*request.headers, "host");
    if (host_signed && host != nullptr) {
        if (const auto bare = host_without_port(trim(*host))) {
            string_pairs headers = *request.headers;
            for (auto& [name, value] : headers) {
                if (ascii_lowered(name) == "host") value = std::string(*bare);
            }
            signed_request portless = request;
            portless.headers = &headers;
            add(assemble(portless, signed_headers, uri, python_query));
        }
    }
    if (signers == dis_signers::any) {
        add(assemble(request, signed_headers, uri, canonical_query(*request.query, dialect::sdk_core)));
    }
    return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (true) {
        const auto at = text.find(separator, start);
        out.push_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
        if (at == std::string_view::npos) return out;
        start = at + 1;
    }
}

}  // namespace emu::routes::auth::signing
