#pragma once
[[picocache::cached(maxsize = 4)]] int declared(int x);
