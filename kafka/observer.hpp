#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

// The listener's seam to whatever watches and steers it (the control plane's metrics and fault rules,
// wired in the composition root): kafka/ knows nothing of routes/ or server/, only this interface.
namespace emu::kafka {

// What a fault rule asks of one request: answer `error` in every error field of the API's response
// (instead of running the handler), close the connection without an answer (`drop`, the request not
// handled), and/or hold the answer back for `delay`.
struct injected_fault {
    std::optional<std::int16_t> error;
    bool drop = false;
    std::chrono::milliseconds delay{0};
};

// Called from any io thread, concurrently: an implementation guards itself.
class request_observer {
  public:
    virtual ~request_observer() = default;

    // A Kafka connection to an instance (project, instance) opened or closed.
    virtual void connection_opened(std::string_view project_id, std::string_view instance_id) = 0;
    virtual void connection_closed(std::string_view project_id, std::string_view instance_id) = 0;
    // Asked once per request the table serves (known key, supported version), before it is handled.
    virtual std::optional<injected_fault> fault_for(std::string_view project_id, std::string_view instance_id,
                                                    std::int16_t api_key, std::int16_t api_version) = 0;
    // A request was handled and its answer is about to go out (for JoinGroup and SyncGroup, once the group
    // has answered): what it changed must be kept now (--data-dir). False when it could not be (the disk
    // refused it): the connection is then closed without the answer, so nothing unkept is acknowledged.
    virtual bool keep(std::string_view /*project_id*/, std::string_view /*instance_id*/,
                      std::int16_t /*api_key*/) {
        return true;
    }
    // A request was served: `errors` are the non-zero error codes its response carries, one per error
    // field (empty for a Produce with acks 0, which has no response).
    virtual void request_done(std::string_view project_id, std::string_view instance_id, std::int16_t api_key,
                              std::int16_t api_version, std::span<const std::int16_t> errors) = 0;
};

}  // namespace emu::kafka
