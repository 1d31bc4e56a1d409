package dossier

import "testing"

// TestHeadingOf: the issuing block of a document comes from the catalog
// (NĐ 30/2020/NĐ-CP Phụ lục I mục II.1: tên cơ quan chủ quản trực tiếp, with
// "Ủy ban nhân dân" abbreviated UBND, and tên cơ quan ban hành; mục II.4.a:
// the place is the official name of the administrative unit where the
// issuing body sits).
func TestHeadingOf(t *testing.T) {
	province := Agency{Code: "BN", Name: "Ủy ban nhân dân tỉnh Bắc Ninh", Level: LevelProvince}
	city := Agency{Code: "BN.TPTUSON", Name: "Ủy ban nhân dân thành phố Từ Sơn", Level: LevelDistrict, ParentCode: "BN"}
	district := Agency{Code: "BN.HTIENDU", Name: "Ủy ban nhân dân huyện Tiên Du", Level: LevelDistrict, ParentCode: "BN"}
	commune := Agency{Code: "BN.HTIENDU.XLIENBAO", Name: "Ủy ban nhân dân xã Liên Bão", Level: LevelCommune, ParentCode: "BN.HTIENDU"}
	ministry := Agency{Code: "BKHDT", Name: "Bộ Kế hoạch và Đầu tư"}
	for _, c := range []struct {
		name      string
		a         Agency
		ancestors []Agency
		want      Heading
	}{
		{"a department of the province", Agency{Name: "Sở Kế hoạch và Đầu tư tỉnh Bắc Ninh"}, []Agency{province},
			Heading{Parent: "UBND tỉnh Bắc Ninh", Issuer: "Sở Kế hoạch và Đầu tư", Place: "Bắc Ninh"}},
		{"the province's center", Agency{Name: "Trung tâm Hành chính công tỉnh Bắc Ninh"}, []Agency{province},
			Heading{Parent: "UBND tỉnh Bắc Ninh", Issuer: "Trung tâm Hành chính công", Place: "Bắc Ninh"}},
		{"a name that does not repeat the unit is kept", Agency{Name: "Ban Quản lý các khu công nghiệp Bắc Ninh"}, []Agency{province},
			Heading{Parent: "UBND tỉnh Bắc Ninh", Issuer: "Ban Quản lý các khu công nghiệp Bắc Ninh", Place: "Bắc Ninh"}},
		{"an office of a city of the province: the city is the place", Agency{Name: "Phòng Tư pháp thành phố Từ Sơn"}, []Agency{city, province},
			Heading{Parent: "UBND thành phố Từ Sơn", Issuer: "Phòng Tư pháp", Place: "Từ Sơn"}},
		{"an office of a district", Agency{Name: "Phòng Tài chính - Kế hoạch huyện Tiên Du"}, []Agency{district, province},
			Heading{Parent: "UBND huyện Tiên Du", Issuer: "Phòng Tài chính - Kế hoạch", Place: "Tiên Du"}},
		{"a commune's committee issues in its own name under the district", commune, []Agency{district, province},
			Heading{Parent: "UBND huyện Tiên Du", Issuer: "Ủy ban nhân dân xã Liên Bão", Place: "Liên Bão"}},
		{"the province's committee has no superior line", province, nil,
			Heading{Issuer: "Ủy ban nhân dân tỉnh Bắc Ninh", Place: "Bắc Ninh"}},
		{"a superior that is not a committee is printed whole; no place known", Agency{Name: "Cục Quản lý đăng ký kinh doanh"}, []Agency{ministry},
			Heading{Parent: "Bộ Kế hoạch và Đầu tư", Issuer: "Cục Quản lý đăng ký kinh doanh"}},
		{"a name equal to the unit is not emptied", Agency{Name: "tỉnh Bắc Ninh"}, []Agency{province},
			Heading{Parent: "UBND tỉnh Bắc Ninh", Issuer: "tỉnh Bắc Ninh", Place: "Bắc Ninh"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := c.a
			if got := HeadingOf(&a, c.ancestors); got != c.want {
				t.Errorf("HeadingOf(%q) = %+v; want %+v", c.a.Name, got, c.want)
			}
		})
	}
	if got := HeadingOf(nil, nil); got != (Heading{}) {
		t.Errorf("HeadingOf(nil) = %+v", got)
	}
}
