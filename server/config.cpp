#include "server/config.hpp"

#include <CLI/CLI.hpp>

#include <thread>

namespace emu::server {

parse_outcome parse_config(int argc, char** argv) {
    config c;
    CLI::App app{"stream-emulator: a local emulator of Huawei Cloud DMS for Kafka and DIS"};
    app.set_version_flag("--version", "stream-emulator " EMU_VERSION);
    app.add_option("--host", c.host, "Address to listen on")->envname("STREAM_EMULATOR_HOST")->capture_default_str();
    app.add_option("--port", c.port, "Port to listen on; 0 picks a free port")
        ->envname("STREAM_EMULATOR_PORT")
        ->capture_default_str();
    app.add_option("--threads", c.threads, "Worker threads; 0 means one per core")
        ->envname("STREAM_EMULATOR_THREADS")
        ->capture_default_str();
    app.add_option("--fixture", c.fixture, "JSON file that seeds the state at startup")
        ->envname("STREAM_EMULATOR_FIXTURE");
    app.add_option("--log-level", c.log_level, "trace, debug, info, warn, error, critical or off")
        ->envname("STREAM_EMULATOR_LOG_LEVEL")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
        ->capture_default_str();
    app.add_option("--body-limit", c.body_limit, "Largest request body accepted, in bytes")
        ->envname("STREAM_EMULATOR_BODY_LIMIT")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30))
        ->capture_default_str();
    app.add_option("--read-timeout", c.read_timeout_seconds,
                   "Seconds a connection may take to send one request, or sit idle between requests")
        ->envname("STREAM_EMULATOR_READ_TIMEOUT")
        ->check(CLI::Range(1U, 3600U))
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
    app.add_flag("--healthcheck", c.healthcheck,
                 "Ask the emulator at --host/--port whether it is ready, exit 0 if so, 1 if not");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        return parse_outcome{std::nullopt, app.exit(error)};
    }
    if (c.threads == 0) c.threads = std::max(1U, std::thread::hardware_concurrency());
    return parse_outcome{c, 0};
}

}  // namespace emu::server
