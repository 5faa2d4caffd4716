//===- main.cpp - The mocc compiler ---------------------------------------===//
#include "mocc/Driver/Driver.h"

int main(int argc, char **argv) { return mocc::moccMain(argc, argv); }
