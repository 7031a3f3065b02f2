# imchat_header_closure(OUT ROOT HEADER...): the HEADERs (paths relative to ROOT) and
# every header they include with `#include "..."`, transitively, as paths relative to
# ROOT, sorted. What the public headers include is what must be installed with them, so
# the installed set follows the sources by itself: a new `#include "net/endpoint.hpp"` in
# directory/locator.hpp adds net/endpoint.hpp. Each header read becomes a configure
# dependency, so an edit to its includes re-runs CMake. A quoted include that is not a
# file under ROOT is an error: the installed tree could not hold it. (Includes inside
# comments or #if branches are followed too: at worst a header too many is installed.)
function(imchat_header_closure out root)
  set(pending ${ARGN})
  set(seen "")
  while(pending)
    list(POP_FRONT pending header)
    if(header IN_LIST seen)
      continue()
    endif()
    if(NOT EXISTS "${root}/${header}")
      message(FATAL_ERROR "imchat_header_closure: ${header} is not in ${root}")
    endif()
    list(APPEND seen "${header}")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${root}/${header}")
    file(STRINGS "${root}/${header}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
    foreach(line IN LISTS lines)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\".*$" "\\1" included "${line}")
      if(NOT EXISTS "${root}/${included}")
        message(FATAL_ERROR "imchat_header_closure: ${root}/${header} includes \"${included}\", "
                            "which is not a file under ${root}: a public header may only include "
                            "system headers and headers of the tree, by their path from src/")
      endif()
      list(APPEND pending "${included}")
    endforeach()
  endwhile()
  list(SORT seen)
  set(${out} "${seen}" PARENT_SCOPE)
endfunction()
