#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace emu::server {

struct config {
    std::string host = "127.0.0.1";
    std::uint16_t port = 9780;  // 0 picks a free port
    unsigned threads = 0;       // 0: one per core the process may run on
    std::string fixture;
    std::string log_level = "info";
    std::size_t body_limit = 8 * 1024 * 1024;
    unsigned read_timeout_seconds = 30;
    std::string auth_mode = "loose";  // off, loose or strict (the README's Authentication section)
    std::string credentials;          // JSON file of access keys and tokens; strict mode needs one
    // Request journal (GET /_emulator/requests): entries kept (0 disables) and bytes kept per body.
    std::size_t journal_size = 1000;
    std::size_t journal_body_limit = 4096;
    bool healthcheck = false;  // probe a running emulator at host:port and exit (the image's HEALTHCHECK)
};

struct parse_outcome {
    std::optional<config> settings;  // empty: exit with exit_code (after --help, --version or an error)
    int exit_code = 0;
};

// Flags, each mirrored by an environment variable STREAM_EMULATOR_<NAME>; flags win.
parse_outcome parse_config(int argc, char** argv);

}  // namespace emu::server
