#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace emu::server {

struct config {
    std::string host = "127.0.0.1";
    std::uint16_t port = 9780;  // 0 picks a free port
    unsigned threads = 0;       // 0: one per core the process may run on
    // The Kafka listeners, one per DMS instance (docs/kafka.md): bind host (empty: `host`), the host they
    // advertise (empty: the bind host, 127.0.0.1 for a wildcard), the first port tried (0: ephemeral ones)
    // and the largest request frame.
    std::string kafka_host;
    std::string kafka_advertised_host;
    std::uint16_t kafka_port = 9092;
    std::size_t kafka_max_request_bytes = 100 * 1024 * 1024;
    std::string fixture;
    // --data-dir (docs/persistence.md): where the state is kept and restored from; empty: in memory only.
    // --fsync: when a write also reaches the disk (always, interval, never); interval syncs every
    // fsync_interval.
    std::string data_dir;
    std::string fsync = "interval";
    std::chrono::milliseconds fsync_interval{1000};
    std::string log_level = "info";
    std::size_t body_limit = 8 * 1024 * 1024;
    std::uint32_t header_limit = 64 * 1024;  // request line and headers; IAM tokens alone can be several KB
    std::size_t url_limit = 8 * 1024;        // request target
    unsigned max_connections = 512;          // open connections served at once
    // A request, once its first byte has arrived, must be complete within read_timeout (slow senders are
    // cut off); a connection waiting for a request to start is closed after idle_timeout. Milliseconds so
    // tests can use short ones; the flags take seconds.
    std::chrono::milliseconds read_timeout{std::chrono::seconds(30)};
    std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
    std::uint64_t max_stored_bytes = std::uint64_t{1} << 30;  // message and record payload bytes; 0: no cap
    std::string auth_mode = "loose";                          // off, loose or strict (docs/authentication.md)
    std::string credentials;  // JSON file of access keys and tokens; strict mode needs one
    // The gateway's optional guards (docs/security.md): consecutive failed signatures that lock an access
    // key and for how long, and cloud API requests per credential per minute; 0 turns each off.
    unsigned ak_lockout = 0;
    unsigned ak_lockout_seconds = 300;
    unsigned rate_limit = 0;
    std::string control_token;  // non-empty: /_emulator/ routes but ready and health need it as a bearer
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
