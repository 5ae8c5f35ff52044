// The cached functions of the freshness project.
#pragma once

int area(int w, int h);
int perimeter(int w, int h);
int volume(int w);
