#pragma once
// The imchat messaging kernel's public API in one header, for programs that use it as a
// library (libimchat-dev: `find_package(imchat)` or `pkg-config imchat`; docs/kernel.md
// describes it, examples/ shows it in use):
//
//   #include "imchat.hpp"
//
//   imchat::dispatcher dispatcher(2);
//   imchat::directory::locator locator("localhost:5682");
//   auto io = imchat::io_thread::create(dispatcher);
//   auto api = imchat::api_thread::create(dispatcher, &locator);
//
// With it comes imchat::printable_text, the escaper for text someone else sent, which a
// program that prints messages should show them through.
//
// Everything it includes, and only that, is installed (under /usr/include/imchat/, with
// the paths it has in src/); the rest of src/ is the library's own.

#include "directory/locator.hpp"
#include "kernel/api_thread.hpp"
#include "kernel/dispatcher.hpp"
#include "kernel/io_thread.hpp"
#include "kernel/message.hpp"
#include "kernel/options.hpp"
#include "kernel/scope.hpp"
#include "util/printable_text.hpp"
