package sign

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
)

// Exit codes of RunVerifyCLI.
const (
	ExitIntact   = 0 // every signature of every file is intact
	ExitNotValid = 1 // a file is unsigned, unreadable, or a signature fails
	ExitUsage    = 2 // bad command line or unreadable trust store
)

// RunVerifyCLI implements "motcua verify [-lang en] [-json] [-trust DIR]
// FILE.pdf...". args are the arguments after "verify"; options may also
// follow the files ("motcua verify a.pdf --lang en"). trustDir is the
// default trust store directory (see LoadTrustStore); a missing default
// directory only produces a warning, while a missing -trust directory is
// a usage error. The result is printed in Vietnamese unless -lang en.
// It returns ExitIntact when every signature of every file is intact (see
// Report.Intact), ExitNotValid otherwise, and ExitUsage for usage errors.
// Trust does not affect the exit code; it is printed. now is the
// verification time (the caller's wall clock).
func RunVerifyCLI(args []string, stdout io.Writer, trustDir string, now time.Time) (exitCode int) {
	fset := flag.NewFlagSet("verify", flag.ContinueOnError)
	fset.SetOutput(stdout)
	lang := fset.String("lang", "vi", "output language: vi or en")
	asJSON := fset.Bool("json", false, "print the report as JSON")
	trust := fset.String("trust", "", "trust store directory (*.pem, *.crt, *.cer); default "+trustDir)
	fset.Usage = func() {
		fmt.Fprintln(stdout, "Cách dùng / usage: motcua verify [-lang vi|en] [-json] [-trust DIR] FILE.pdf...")
		fset.PrintDefaults()
	}
	// The flag package stops at the first file; parse what follows it
	// again, so options may come after the files.
	var files []string
	for rest := args; ; {
		if err := fset.Parse(rest); err != nil {
			return ExitUsage
		}
		rest = fset.Args()
		if len(rest) == 0 {
			break
		}
		if n := len(rest); n < len(args) && args[len(args)-n-1] == "--" {
			files = append(files, rest...) // everything after "--" is a file
			break
		}
		files, rest = append(files, rest[0]), rest[1:]
	}
	if len(files) == 0 {
		fset.Usage()
		return ExitUsage
	}
	en := *lang == "en"

	var roots *x509.CertPool
	dir, explicit := trustDir, false
	if *trust != "" {
		dir, explicit = *trust, true
	}
	if dir != "" {
		pool, err := LoadTrustStore(dir)
		switch {
		case err == nil:
			roots = pool
		case !explicit && errors.Is(err, fs.ErrNotExist):
			fmt.Fprintln(stdout, pick(en, "Cảnh báo: không có thư mục chứng thư tin cậy "+dir+"; chưa kiểm tra chuỗi tin cậy.",
				"Warning: no trust store directory "+dir+"; trust is not checked."))
		default:
			fmt.Fprintln(stdout, errText(err, *lang))
			return ExitUsage
		}
	}

	exitCode = ExitIntact
	for i, path := range files {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		if len(files) > 1 && !*asJSON {
			fmt.Fprintf(stdout, "== %s ==\n", path)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(stdout, pick(en, "Không đọc được tệp ", "Cannot read file ")+path+": "+err.Error())
			exitCode = ExitNotValid
			continue
		}
		rep, err := VerifyPDF(data, VerifyOptions{Roots: roots, Now: now})
		if err != nil {
			fmt.Fprintln(stdout, path+": "+errText(err, *lang))
			exitCode = ExitNotValid
			continue
		}
		if *asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			if err := enc.Encode(rep); err != nil {
				return ExitUsage
			}
		} else if err := rep.WriteText(stdout, *lang); err != nil {
			return ExitUsage
		}
		if !rep.Intact {
			exitCode = ExitNotValid
		}
	}
	return exitCode
}

func errText(err error, lang string) string {
	var e *Error
	if errors.As(err, &e) {
		return capitalize(e.Text(lang))
	}
	return err.Error()
}
