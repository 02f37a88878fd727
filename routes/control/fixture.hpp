#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "routes/control/faults.hpp"
#include "state/state.hpp"

namespace emu::routes::control {

// A fixture that cannot be loaded; what() names the file, the JSON path and the problem.
class fixture_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// How a document meets what `st` already holds.
enum class load_mode {
    add,    // every entity is created; one that exists already is refused as the API would refuse it
    merge,  // an instance (same instance_id, else same name), stream or app (same name) replaces the stored
            // one with everything under it; checkpoints replace the one with the same key; the rest stays
};

// Where the fault rules of a document's root "faults" array go (the bodies of POST /_emulator/faults). The
// caller adds them to the live rules once the whole document has loaded.
struct fixture_faults {
    std::vector<std::string> known_operations;  // what a rule's "operation" may name; empty: anything
    std::vector<fault_rule> rules;              // filled by the loader
};

// Seeds `st` from a fixture document (format in docs/fixtures.md). Entries are validated by the same parsers
// as the API requests that would create them. `source` names the document in errors. On failure `st` may
// hold part of the document: load into a scratch state when that matters. Without `faults`, a document
// with fault rules is refused.
void load_fixture_text(std::string_view text, std::string_view source, state::state& st,
                       load_mode mode = load_mode::add, fixture_faults* faults = nullptr);
void load_fixture_file(const std::string& path, state::state& st, fixture_faults* faults = nullptr);

// Everything `st` holds (or one project's part) as a fixture document that load_fixture_text turns back into
// the same state: projects sorted by id, then instances by id, topics, groups, streams and apps by name.
// Without `with_records`, partitions come without messages and records: --data-dir keeps those apart.
std::string export_fixture(const state::state& st,
                           const std::optional<std::string>& project_id = std::nullopt,
                           bool with_records = true);

// One project as --data-dir keeps it: its document without messages, records and DIS checkpoints, and a
// document of its DIS checkpoints alone (loaded once the records are back: a checkpoint may not lie beyond
// its partition's end). Either is empty when it would hold nothing (the first, when the project is gone).
struct stored_project {
    std::string main;
    std::string checkpoints;
};
stored_project export_stored_project(const state::state& st, const std::string& project_id);

}  // namespace emu::routes::control
