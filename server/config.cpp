#include "server/config.hpp"

#include <CLI/CLI.hpp>
#include <thread>

#if defined(__linux__)
#include <sched.h>
#endif

namespace emu::server {

namespace {

// The cores this process may run on: under `taskset -c 0` or a container's CPU set that is fewer than the
// machine has, and more worker threads than cores only take turns.
unsigned usable_cores() {
#if defined(__linux__)
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) == 0)
        return static_cast<unsigned>(std::max(1, CPU_COUNT(&set)));
#endif
    return std::max(1U, std::thread::hardware_concurrency());
}

}  // namespace

parse_outcome parse_config(int argc, char** argv) {
    config c;
    CLI::App app{"stream-emulator: a local emulator of Huawei Cloud DMS for Kafka and DIS"};
    app.set_version_flag("--version", "stream-emulator " EMU_VERSION);
    app.add_option("--host", c.host, "Address to listen on")
        ->envname("STREAM_EMULATOR_HOST")
        ->capture_default_str();
    app.add_option("--port", c.port, "Port to listen on; 0 picks a free port")
        ->envname("STREAM_EMULATOR_PORT")
        ->capture_default_str();
    app.add_option("--kafka-host", c.kafka_host,
                   "Address the Kafka listeners (one per DMS instance) bind; empty means --host")
        ->envname("STREAM_EMULATOR_KAFKA_HOST");
    app.add_option("--kafka-advertised-host", c.kafka_advertised_host,
                   "Host the instances report and Metadata advertises (a compose service name); empty means "
                   "the bind host, or 127.0.0.1 when that is a wildcard")
        ->envname("STREAM_EMULATOR_KAFKA_ADVERTISED_HOST");
    app.add_option("--kafka-port", c.kafka_port,
                   "First Kafka port: each instance takes the lowest free port from here; 0 gives every "
                   "instance an ephemeral port")
        ->envname("STREAM_EMULATOR_KAFKA_PORT")
        ->capture_default_str();
    app.add_option("--kafka-max-request-bytes", c.kafka_max_request_bytes,
                   "Largest Kafka request frame accepted, in bytes; a larger one closes the connection")
        ->envname("STREAM_EMULATOR_KAFKA_MAX_REQUEST_BYTES")
        ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30))
        ->capture_default_str();
    app.add_option("--threads", c.threads, "Worker threads; 0 means one per core the process may run on")
        ->envname("STREAM_EMULATOR_THREADS")
        ->capture_default_str();
    app.add_option("--fixture", c.fixture, "JSON file that seeds the state at startup")
        ->envname("STREAM_EMULATOR_FIXTURE");
    app.add_option("--data-dir", c.data_dir,
                   "Directory that keeps the state across restarts (made if missing); every acknowledged "
                   "write is in it before its answer. Empty: in memory only")
        ->envname("STREAM_EMULATOR_DATA_DIR");
    app.add_option("--fsync", c.fsync,
                   "With --data-dir, when writes also reach the disk: always (before each answer), interval "
                   "(every second), never (left to the OS)")
        ->envname("STREAM_EMULATOR_FSYNC")
        ->check(CLI::IsMember({"always", "interval", "never"}))
        ->capture_default_str();
    app.add_option("--log-level", c.log_level, "trace, debug, info, warn, error, critical or off")
        ->envname("STREAM_EMULATOR_LOG_LEVEL")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
        ->capture_default_str();
    app.add_option("--body-limit", c.body_limit, "Largest request body accepted, in bytes")
        ->envname("STREAM_EMULATOR_BODY_LIMIT")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30))
        ->capture_default_str();
    app.add_option("--header-limit", c.header_limit, "Largest request line plus headers accepted, in bytes")
        ->envname("STREAM_EMULATOR_HEADER_LIMIT")
        ->check(CLI::Range(std::uint32_t{1024}, std::uint32_t{1} << 24))
        ->capture_default_str();
    app.add_option("--url-limit", c.url_limit, "Longest request target (path and query) accepted, in bytes")
        ->envname("STREAM_EMULATOR_URL_LIMIT")
        ->check(CLI::Range(std::size_t{64}, std::size_t{1} << 24))
        ->capture_default_str();
    app.add_option("--max-connections", c.max_connections,
                   "Connections served at once; one more is answered 429 APIGW.0308 and closed")
        ->envname("STREAM_EMULATOR_MAX_CONNECTIONS")
        ->check(CLI::Range(1U, 1'000'000U))
        ->capture_default_str();
    unsigned read_timeout_seconds = 30;
    app.add_option("--read-timeout", read_timeout_seconds,
                   "Seconds a request may take to arrive in full, counted from its first byte")
        ->envname("STREAM_EMULATOR_READ_TIMEOUT")
        ->check(CLI::Range(1U, 3600U))
        ->capture_default_str();
    unsigned idle_timeout_seconds = 60;
    app.add_option("--idle-timeout", idle_timeout_seconds,
                   "Seconds a connection may wait for its next request to start before it is closed")
        ->envname("STREAM_EMULATOR_IDLE_TIMEOUT")
        ->check(CLI::Range(1U, 86400U))
        ->capture_default_str();
    app.add_option("--max-stored-bytes", c.max_stored_bytes,
                   "Cap on stored message and record bytes over both services; 0 means no cap")
        ->envname("STREAM_EMULATOR_MAX_STORED_BYTES")
        ->check(CLI::NonNegativeNumber)  // an unsigned option would otherwise read -5 as 2^64 - 5
        ->capture_default_str();
    app.add_option("--auth-mode", c.auth_mode,
                   "off: no checks; loose: a token or a well-formed signature, any key; strict: verified "
                   "against --credentials")
        ->envname("STREAM_EMULATOR_AUTH_MODE")
        ->check(CLI::IsMember({"off", "loose", "strict"}))
        ->capture_default_str();
    app.add_option("--credentials", c.credentials,
                   "JSON file of access keys and tokens: {\"credentials\":[{\"ak\",\"sk\",\"project_id\"}],"
                   "\"tokens\":[{\"token\",\"project_id\"}]}")
        ->envname("STREAM_EMULATOR_CREDENTIALS");
    app.add_option("--ak-lockout", c.ak_lockout,
                   "Consecutive failed signatures that lock an access key (strict mode; the cloud's is 5); "
                   "0: never")
        ->envname("STREAM_EMULATOR_AK_LOCKOUT")
        ->check(CLI::Range(0U, 1'000'000U))
        ->capture_default_str();
    app.add_option("--ak-lockout-seconds", c.ak_lockout_seconds, "How long a locked access key stays locked")
        ->envname("STREAM_EMULATOR_AK_LOCKOUT_SECONDS")
        ->check(CLI::Range(1U, 86400U))
        ->capture_default_str();
    app.add_option("--rate-limit", c.rate_limit,
                   "Cloud API requests one access key or token may make per minute, then 429 APIGW.0308; 0: "
                   "no limit")
        ->envname("STREAM_EMULATOR_RATE_LIMIT")
        ->check(CLI::Range(0U, 1'000'000'000U))
        ->capture_default_str();
    app.add_option("--control-token", c.control_token,
                   "Require \"Authorization: Bearer TOKEN\" on every /_emulator/ route but ready and health")
        ->envname("STREAM_EMULATOR_CONTROL_TOKEN");
    app.add_option("--journal-size", c.journal_size,
                   "Cloud API requests kept in the request journal (GET /_emulator/requests); 0 disables it")
        ->envname("STREAM_EMULATOR_JOURNAL_SIZE")
        ->check(CLI::Range(std::size_t{0}, std::size_t{1'000'000}))
        ->capture_default_str();
    app.add_option("--journal-body-limit", c.journal_body_limit,
                   "Bytes of each request and response body the journal keeps; longer bodies are cut")
        ->envname("STREAM_EMULATOR_JOURNAL_BODY_LIMIT")
        ->check(CLI::Range(std::size_t{0}, std::size_t{1} << 20))
        ->capture_default_str();
    app.add_flag("--healthcheck", c.healthcheck,
                 "Ask the emulator at --host/--port whether it is ready, exit 0 if so, 1 if not");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        return parse_outcome{std::nullopt, app.exit(error)};
    }
    c.read_timeout = std::chrono::seconds(read_timeout_seconds);
    c.idle_timeout = std::chrono::seconds(idle_timeout_seconds);
    if (c.threads == 0) c.threads = usable_cores();
    return parse_outcome{c, 0};
}

}  // namespace emu::server
