#pragma once

#include "kafka/protocol/error_codes.hpp"
#include "state/errors.hpp"

namespace emu::kafka {

// The Kafka error code a state failure answers on the wire; every errc has one (a test pins them).
protocol::error_code to_kafka_error(state::errc code);

}  // namespace emu::kafka
