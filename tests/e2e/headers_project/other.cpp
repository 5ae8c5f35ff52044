// The second translation unit that calls the header's cached functions.
#include <ruler/ruler.hpp>

long from_other() { return ruler::triangle(4) + ruler::Ruler(2).marks(10); }
