package main

import (
	"context"
	"io"
)

func cmdBench(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	return usagef("bench: chưa có")
}
