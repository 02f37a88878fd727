#include "state/errors.hpp"

#include <gtest/gtest.h>

namespace emu::state {
namespace {

// what() is for logs: the code's name, then each fact that is set.
TEST(state_error, what_names_the_code_and_its_facts) {
    EXPECT_STREQ(error(errc::stream_exists).what(), "stream_exists");
    EXPECT_STREQ(error(errc::sequence_number_out_of_range, {.requested = 4, .low = 0, .high = 3}).what(),
                 "sequence_number_out_of_range (requested 4, low 0, high 3)");
    EXPECT_STREQ(error(errc::stream_not_found, {.name = "orders", .project_id = "p1"}).what(),
                 "stream_not_found (name orders, project_id p1)");
    EXPECT_STREQ(error(errc::storage_full, {.limit = 1024}).what(), "storage_full (limit 1024)");
}

TEST(state_error, keeps_its_code_and_facts) {
    const error e(errc::partition_not_found, {.index = 7});
    EXPECT_EQ(e.code(), errc::partition_not_found);
    EXPECT_EQ(e.facts().index, 7);
    EXPECT_TRUE(e.facts().name.empty());
    EXPECT_FALSE(e.facts().limit.has_value());
}

}  // namespace
}  // namespace emu::state
