#include "kafka/dispatch.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <vector>

#include "kafka/protocol/error_codes.hpp"
#include "state/errors.hpp"

namespace emu::kafka {

namespace {

using protocol::api_key;
using protocol::error_code;

outcome closed(std::string_view why, const protocol::request_header& h) {
    spdlog::debug("kafka: closing the connection: {} (api key {}, version {}, correlation id {})", why,
                  h.api_key, h.api_version, h.correlation_id);
    return outcome{{}, true, std::nullopt, {}, {}, {}};
}

// Kafka's answer to an ApiVersions version it does not know: the v0 body with UNSUPPORTED_VERSION and the
// ApiVersions entry, so the client retries with a version it has (AK RequestContext.java,
// ApiVersionsRequest.java getErrorResponse).
outcome unsupported_api_versions(const protocol::request_header& h) {
    outcome out;
    protocol::start_response(out.frame, h.correlation_id, false);
    protocol::writer w(out.frame);
    w.int16(protocol::number(error_code::unsupported_version));
    const api_entry& entry = *find_api(static_cast<std::int16_t>(api_key::api_versions));
    w.array_length(1);
    w.int16(static_cast<std::int16_t>(entry.key));
    w.int16(entry.min_version);
    w.int16(entry.max_version);
    protocol::finish_frame(out.frame);
    return out;
}

}  // namespace

outcome dispatch(const connection_context& connection, std::string_view frame, bool final_attempt,
                 bool first_attempt) {
    protocol::reader in(frame);
    protocol::request_header header;
    try {
        header = protocol::read_header_start(in);
    } catch (const protocol::decode_error&) {
        return closed("a frame shorter than a request header", header);
    }
    const api_entry* api = find_api(header.api_key);
    if (api == nullptr) return closed("unknown API key", header);
    if (header.api_version < api->min_version || header.api_version > api->max_version) {
        if (api->key == api_key::api_versions && header.api_version > api->max_version) {
            return unsupported_api_versions(header);
        }
        return closed("unsupported version", header);
    }
    const bool flexible = header.api_version >= api->first_flexible;
    request_observer* observer = connection.observer.get();
    std::optional<injected_fault> fault;
    if (observer != nullptr && first_attempt) {
        fault = observer->fault_for(connection.project_id, connection.instance_id, header.api_key,
                                    header.api_version);
    }
    const auto delay = fault ? fault->delay : std::chrono::milliseconds(0);
    if (fault && fault->drop) {
        spdlog::debug("kafka: a fault rule drops the connection (api key {}, correlation id {})",
                      header.api_key, header.correlation_id);
        return outcome{{}, true, std::nullopt, delay, {}, {}};
    }
    outcome out;
    out.delay = delay;
    std::vector<std::int16_t> errors;
    try {
        protocol::read_header_rest(in, header, flexible);
        // ApiVersions answers with response header v0 in every version (KIP-511).
        protocol::start_response(out.frame, header.correlation_id,
                                 flexible && api->key != api_key::api_versions);
        protocol::writer w(out.frame);
        if (observer != nullptr) w.note_errors(&errors);
        std::shared_ptr<deferred_answer> deferred;
        request req{connection, header, flexible, final_attempt};
        req.deferred_slot = &deferred;
        if (observer != nullptr) {
            req.deferred_done = [observer = connection.observer, project = connection.project_id,
                                 instance = connection.instance_id, key = header.api_key,
                                 version = header.api_version](const std::vector<std::int16_t>& noted) {
                // The group's answer stands either way: what a join changes (a new group) is kept by the
                // next request that changes the instance, if not now.
                observer->keep(project, instance, key);
                observer->request_done(project, instance, key, version, noted);
            };
        }
        if (connection.splice_stored) w.splice_into(&out.splices);
        const handler_result result =
            fault && fault->error
                ? api->error_answer(req, in, w, static_cast<protocol::error_code>(*fault->error))
                : api->handler(req, in, w);
        if (result.wait) return outcome{{}, false, result.wait, delay, {}, {}};
        if (result.deferred) return outcome{{}, false, std::nullopt, delay, std::move(deferred), {}};
        if (observer != nullptr &&
            !observer->keep(connection.project_id, connection.instance_id, header.api_key)) {
            // What the request changed could not be kept (a full disk): it is answered as Kafka answers a
            // log directory that failed, KAFKA_STORAGE_ERROR in every error field, which clients retry.
            out.frame.clear();
            out.splices.clear();
            errors.clear();
            protocol::reader again(frame);
            protocol::request_header repeated = protocol::read_header_start(again);
            protocol::read_header_rest(again, repeated, flexible);
            protocol::start_response(out.frame, header.correlation_id,
                                     flexible && api->key != api_key::api_versions);
            protocol::writer refusal(out.frame);
            refusal.note_errors(&errors);
            req.error_message = "The emulator could not keep the change in its --data-dir.";
            const handler_result refused =
                api->error_answer(req, again, refusal, error_code::kafka_storage_error);
            observer->request_done(connection.project_id, connection.instance_id, header.api_key,
                                   header.api_version, errors);
            if (!refused.respond) return outcome{{}, refused.close, std::nullopt, delay, {}, {}};
            out.close = refused.close;
            protocol::finish_frame(out.frame);
            return out;
        }
        if (observer != nullptr) {
            observer->request_done(connection.project_id, connection.instance_id, header.api_key,
                                   header.api_version, errors);
        }
        if (!result.respond) return outcome{{}, result.close, std::nullopt, delay, {}, {}};
        out.close = result.close;
    } catch (const protocol::decode_error& e) {
        return closed(e.what(), header);
    } catch (const state::error& e) {
        // The instance itself went away (deleted or reset under the connection).
        return closed(e.what(), header);
    }
    std::size_t spliced = 0;
    for (const auto& s : out.splices) spliced += s.bytes.size();
    protocol::finish_frame(out.frame, spliced);
    return out;
}

}  // namespace emu::kafka
