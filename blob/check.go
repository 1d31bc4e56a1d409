package blob

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"runtime"

	"motcua/dossier"
	"motcua/sign/pdfcheck"
)

// An upload is kept only when the whole file parses as what its first
// bytes say (issue 16, item 12): a PDF is parsed object by object and
// refused when it carries active content (package pdfcheck); an image is
// decoded in full, must end where its format says it ends, and must not
// also read as a PDF. A PDF/JPEG/PNG polyglot passes none of these.

// MaxPixels bounds the pixels of an uploaded image (a scan of an A4 page
// at 600 dpi is 35 megapixels); a larger one would take gigabytes to
// decode.
const MaxPixels = 40_000_000

// maxDecoded bounds the memory one decoded image takes (a 16-bit RGBA PNG
// takes 8 bytes a pixel).
const maxDecoded = 160 << 20

func bytesPerPixel(m color.Model) int64 {
	switch m {
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.Gray16Model, color.Alpha16Model:
		return 2
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	case color.YCbCrModel, color.NYCbCrAModel:
		return 3
	}
	return 4
}

// checkSlots bounds the uploads parsed at a time, on every backend (Check
// decodes whole images and PDFs: up to ~160 MB and a CPU each).
var checkSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/2))

func checkBounded(r io.ReaderAt, size int64, ctype string) error {
	checkSlots <- struct{}{}
	defer func() { <-checkSlots }()
	return Check(r, size, ctype)
}

// Check parses the file of size bytes in r of media type ctype (from
// Sniff) and reports why it is refused: EUNSUPPORTED (415) when it does
// not parse, EUNPROCESSABLE (422) when it parses but is not acceptable
// (active content in a PDF, too many pixels).
func Check(r io.ReaderAt, size int64, ctype string) error {
	switch ctype {
	case "application/pdf":
		err := pdfcheck.Check(r, size)
		var e *pdfcheck.Error
		if errors.As(err, &e) {
			code := dossier.EUNSUPPORTED
			if e.Active {
				code = dossier.EUNPROCESSABLE
			}
			return &dossier.Error{Code: code, Message: e.Reason}
		}
		return err
	case "image/jpeg", "image/png":
		return checkImage(r, size, ctype)
	}
	return dossier.Errorf(dossier.EUNSUPPORTED, "Chỉ nhận tệp PDF, JPEG hoặc PNG")
}

func badImage(kind, why string) error {
	return dossier.Errorf(dossier.EUNSUPPORTED, "Tệp ảnh %s bị hỏng hoặc không đúng định dạng: %s", kind, why)
}

// imageFormat is how checkImage reads one image format.
type imageFormat struct {
	name         string
	decodeConfig func(io.Reader) (image.Config, error)
	decode       func(io.Reader) (image.Image, error)
	end          func(*io.SectionReader) (int64, error) // where the image's last byte ends
}

var imageFormats = map[string]imageFormat{
	"image/jpeg": {"JPEG", jpeg.DecodeConfig, jpeg.Decode, jpegEnd},
	"image/png":  {"PNG", png.DecodeConfig, png.Decode, pngEnd},
}

func checkImage(r io.ReaderAt, size int64, ctype string) error {
	f := imageFormats[ctype]
	kind := f.name
	// A PDF reader finds "%PDF-" anywhere in the first kilobyte.
	head := make([]byte, min(size, 1024))
	r.ReadAt(head, 0)
	if bytes.Contains(head, []byte("%PDF-")) {
		return badImage(kind, "tệp vừa là ảnh vừa là PDF")
	}
	sr := io.NewSectionReader(r, 0, size)
	cfg, err := f.decodeConfig(bufio.NewReader(sr))
	if err != nil {
		return badImage(kind, "không đọc được kích thước ảnh")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return badImage(kind, "kích thước ảnh bằng 0")
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > MaxPixels || px*bytesPerPixel(cfg.ColorModel) > maxDecoded {
		return dossier.Errorf(dossier.EUNPROCESSABLE, "Ảnh %d×%d điểm quá lớn (tối đa %d triệu điểm ảnh, hoặc ít hơn với ảnh màu 16 bit); hãy quét ở độ phân giải thấp hơn (300 dpi là đủ)",
			cfg.Width, cfg.Height, MaxPixels/1_000_000)
	}
	sr.Seek(0, io.SeekStart)
	if _, err := f.decode(bufio.NewReader(sr)); err != nil {
		return badImage(kind, "không giải mã được toàn bộ ảnh")
	}
	end, err := f.end(io.NewSectionReader(r, 0, size))
	if err != nil {
		return badImage(kind, err.Error())
	}
	if trailing := size - end; trailing > 0 {
		rest := make([]byte, min(trailing, 64))
		r.ReadAt(rest, end)
		if trailing > 64 || len(bytes.Trim(rest, "\x00\r\n\t ")) > 0 {
			return badImage(kind, "có dữ liệu lạ sau phần cuối của ảnh")
		}
	}
	return nil
}

// pngEnd walks the chunks of a PNG and returns where IEND ends.
func pngEnd(r *io.SectionReader) (int64, error) {
	br := bufio.NewReader(r)
	if _, err := br.Discard(8); err != nil {
		return 0, errors.New("thiếu phần đầu")
	}
	off := int64(8)
	hdr := make([]byte, 8)
	for {
		if _, err := io.ReadFull(br, hdr); err != nil {
			return 0, errors.New("thiếu khối kết thúc IEND")
		}
		n := int64(binary.BigEndian.Uint32(hdr[:4]))
		if n > r.Size()-off {
			return 0, errors.New("khối dữ liệu vượt quá độ dài tệp")
		}
		crc := crc32.NewIEEE()
		crc.Write(hdr[4:])
		if _, err := io.CopyN(crc, br, n); err != nil {
			return 0, errors.New("khối dữ liệu bị cắt")
		}
		sum := make([]byte, 4)
		if _, err := io.ReadFull(br, sum); err != nil || binary.BigEndian.Uint32(sum) != crc.Sum32() {
			return 0, errors.New("mã kiểm tra CRC sai")
		}
		off += 12 + n
		if string(hdr[4:]) == "IEND" {
			return off, nil
		}
	}
}

// jpegEnd walks the segments of a JPEG and returns where its EOI marker
// ends.
func jpegEnd(r *io.SectionReader) (int64, error) {
	br := bufio.NewReader(r)
	var off int64
	next := func() (byte, error) {
		b, err := br.ReadByte()
		off++
		return b, err
	}
	if a, _ := next(); a != 0xFF {
		return 0, errors.New("thiếu phần đầu")
	}
	if b, _ := next(); b != 0xD8 {
		return 0, errors.New("thiếu phần đầu")
	}
	for {
		b, err := next()
		if err != nil {
			return 0, errors.New("thiếu dấu kết thúc ảnh (EOI)")
		}
		if b != 0xFF {
			continue // entropy-coded data after a start of scan
		}
		m, err := next()
		for err == nil && m == 0xFF {
			m, err = next() // fill bytes
		}
		if err != nil {
			return 0, errors.New("thiếu dấu kết thúc ảnh (EOI)")
		}
		switch {
		case m == 0xD9:
			return off, nil
		case m == 0x00, m >= 0xD0 && m <= 0xD7, m == 0x01:
			continue // stuffed byte, restart markers, TEM: no length
		}
		var l [2]byte
		if _, err := io.ReadFull(br, l[:]); err != nil {
			return 0, errors.New("phân đoạn bị cắt")
		}
		n := int64(binary.BigEndian.Uint16(l[:]))
		if n < 2 {
			return 0, errors.New("độ dài phân đoạn sai")
		}
		if _, err := br.Discard(int(n - 2)); err != nil {
			return 0, errors.New("phân đoạn bị cắt")
		}
		off += n
	}
}
