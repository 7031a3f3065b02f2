#pragma once
// <regex> for the tests. GCC 12 with the sanitizers warns of "maybe uninitialized"
// std::function members inside <regex>'s own automaton (a false positive, and warnings
// are errors), so the warning is silenced for that header alone.

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <regex>
#pragma GCC diagnostic pop
