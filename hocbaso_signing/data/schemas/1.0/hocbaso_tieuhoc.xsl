<?xml version="1.0" encoding="UTF-8"?>
<!--
  Snapshot -> học bạ XML, format version 1.0 (see hocbaso_tieuhoc.xsd).

  Input: the generic intermediate XML built by hocbaso_signing/tools/xml_document.py from the snapshot dict
  (<snapshot> root, one element per dict key, <item> per list entry, booleans as 1/0, null as empty).
  Parameter snapshot_sha256: SHA-256 of the snapshot's canonical JSON (recorded as TTChung/mabamsnapshot).
  Codes are mapped here, not in Python, so a new format version only needs a new XSD + XSLT.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>
  <xsl:strip-space elements="*"/>

  <xsl:param name="snapshot_sha256" select="''"/>

  <xsl:variable name="lower" select="'abcdefghijklmnopqrstuvwxyzđ'"/>
  <xsl:variable name="upper" select="'ABCDEFGHIJKLMNOPQRSTUVWXYZĐ'"/>

  <!-- ============================================================ helpers -->
  <!-- An optional element: written only when the value is not blank. -->
  <xsl:template name="opt">
    <xsl:param name="name"/>
    <xsl:param name="value"/>
    <xsl:if test="string-length(normalize-space($value)) &gt; 0">
      <xsl:element name="{$name}"><xsl:value-of select="$value"/></xsl:element>
    </xsl:if>
  </xsl:template>

  <xsl:template name="flag">
    <xsl:param name="name"/>
    <xsl:param name="value"/>
    <xsl:element name="{$name}"><xsl:value-of select="number(string($value) = '1')"/></xsl:element>
  </xsl:template>

  <!-- Levels per assessment point, in the fixed order gk1, ck1, gk2, cn; codes upper-cased (d -> Đ). -->
  <xsl:template name="levels">
    <xsl:param name="node"/>
    <xsl:param name="tag"/>
    <xsl:if test="$node/*[string-length(normalize-space(.)) &gt; 0]">
      <xsl:element name="{$tag}">
        <xsl:for-each select="$node/gk1[string-length(normalize-space(.)) &gt; 0]">
          <gk1><xsl:call-template name="level-code"/></gk1>
        </xsl:for-each>
        <xsl:for-each select="$node/ck1[string-length(normalize-space(.)) &gt; 0]">
          <ck1><xsl:call-template name="level-code"/></ck1>
        </xsl:for-each>
        <xsl:for-each select="$node/gk2[string-length(normalize-space(.)) &gt; 0]">
          <gk2><xsl:call-template name="level-code"/></gk2>
        </xsl:for-each>
        <xsl:for-each select="$node/cn[string-length(normalize-space(.)) &gt; 0]">
          <cn><xsl:call-template name="level-code"/></cn>
        </xsl:for-each>
      </xsl:element>
    </xsl:if>
  </xsl:template>

  <xsl:template name="level-code">
    <xsl:variable name="code" select="translate(normalize-space(.), $lower, $upper)"/>
    <xsl:choose>
      <xsl:when test="$code = 'D'">Đ</xsl:when>
      <xsl:when test="$code = 'CHT'">C</xsl:when>
      <xsl:otherwise><xsl:value-of select="$code"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="scores">
    <xsl:param name="node"/>
    <xsl:if test="$node/*[string-length(normalize-space(.)) &gt; 0]">
      <DiemKiemTra>
        <xsl:call-template name="opt"><xsl:with-param name="name" select="'gk1'"/><xsl:with-param name="value" select="$node/gk1"/></xsl:call-template>
        <xsl:call-template name="opt"><xsl:with-param name="name" select="'ck1'"/><xsl:with-param name="value" select="$node/ck1"/></xsl:call-template>
        <xsl:call-template name="opt"><xsl:with-param name="name" select="'gk2'"/><xsl:with-param name="value" select="$node/gk2"/></xsl:call-template>
        <xsl:call-template name="opt"><xsl:with-param name="name" select="'cn'"/><xsl:with-param name="value" select="$node/cn"/></xsl:call-template>
      </DiemKiemTra>
    </xsl:if>
  </xsl:template>

  <xsl:template name="result">
    <xsl:param name="name"/>
    <xsl:param name="value"/>
    <xsl:call-template name="opt">
      <xsl:with-param name="name" select="$name"/>
      <xsl:with-param name="value" select="translate(normalize-space($value), $lower, $upper)"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="role-tag">
    <xsl:param name="role"/>
    <xsl:choose>
      <xsl:when test="$role = 'subject_teacher'">GVBM</xsl:when>
      <xsl:when test="$role = 'homeroom_teacher'">GVCN</xsl:when>
      <xsl:when test="$role = 'principal'">HieuTruong</xsl:when>
      <xsl:when test="$role = 'school_seal'">DonVi</xsl:when>
      <xsl:otherwise>
        <xsl:message terminate="yes">unknown signer role <xsl:value-of select="$role"/></xsl:message>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="common">
    <xsl:param name="kind"/>
    <xsl:param name="id-tag"/>
    <TTChung>
      <phienbanschema><xsl:value-of select="schema_version"/></phienbanschema>
      <loaitailieu><xsl:value-of select="$kind"/></loaitailieu>
      <xsl:element name="{$id-tag}"><xsl:value-of select="document_id"/></xsl:element>
      <lanphathanh><xsl:value-of select="version"/></lanphathanh>
      <mabamsnapshot><xsl:value-of select="$snapshot_sha256"/></mabamsnapshot>
    </TTChung>
    <TTTruong>
      <tentruong><xsl:value-of select="school/name"/></tentruong>
      <matruong><xsl:value-of select="school/code"/></matruong>
      <xsl:call-template name="opt"><xsl:with-param name="name" select="'masogd'"/><xsl:with-param name="value" select="school/department_code"/></xsl:call-template>
      <xsl:call-template name="opt"><xsl:with-param name="name" select="'diadanh'"/><xsl:with-param name="value" select="school/place_name"/></xsl:call-template>
    </TTTruong>
    <namhoc><xsl:value-of select="school_year"/></namhoc>
  </xsl:template>

  <xsl:template name="class">
    <TTLopHoc>
      <tenlop><xsl:value-of select="class/name"/></tenlop>
      <makhoi><xsl:value-of select="class/grade"/></makhoi>
      <xsl:call-template name="opt"><xsl:with-param name="name" select="'giaovienchunhiem'"/><xsl:with-param name="value" select="class/homeroom_teacher"/></xsl:call-template>
    </TTLopHoc>
  </xsl:template>

  <xsl:template name="closing">
    <xsl:call-template name="opt"><xsl:with-param name="name" select="'diadanhphathanh'"/><xsl:with-param name="value" select="place"/></xsl:call-template>
    <ngayky><xsl:value-of select="date"/></ngayky>
  </xsl:template>

  <xsl:template name="signers">
    <DSNguoiKy>
      <xsl:for-each select="signers/item">
        <NguoiKy>
          <vaitro><xsl:call-template name="role-tag"><xsl:with-param name="role" select="role"/></xsl:call-template></vaitro>
          <hovaten><xsl:value-of select="name"/></hovaten>
          <xsl:call-template name="opt"><xsl:with-param name="name" select="'chucvu'"/><xsl:with-param name="value" select="title"/></xsl:call-template>
        </NguoiKy>
      </xsl:for-each>
    </DSNguoiKy>
  </xsl:template>

  <!-- One empty slot per declared signer, in the declared (cascade) order. -->
  <xsl:template name="slots">
    <DSCKS>
      <xsl:for-each select="signers/item">
        <xsl:variable name="tag"><xsl:call-template name="role-tag"><xsl:with-param name="role" select="role"/></xsl:call-template></xsl:variable>
        <xsl:element name="{$tag}"/>
      </xsl:for-each>
    </DSCKS>
  </xsl:template>

  <!-- ============================================================ year page -->
  <xsl:template match="/snapshot[kind = 'year_page']">
    <HocBaSo>
      <DLHocBa Id="DLHocBa">
        <xsl:call-template name="common">
          <xsl:with-param name="kind" select="'HBNAM'"/>
          <xsl:with-param name="id-tag" select="'madinhdanhhocba'"/>
        </xsl:call-template>
        <TTHocSinh>
          <mahocsinh><xsl:value-of select="student/code"/></mahocsinh>
          <xsl:call-template name="opt"><xsl:with-param name="name" select="'madinhdanh'"/><xsl:with-param name="value" select="student/personal_id"/></xsl:call-template>
          <hovaten><xsl:value-of select="student/full_name"/></hovaten>
          <ngaysinh><xsl:value-of select="student/birthdate"/></ngaysinh>
          <gioitinh><xsl:value-of select="student/sex_code"/></gioitinh>
          <xsl:call-template name="opt"><xsl:with-param name="name" select="'dantoc'"/><xsl:with-param name="value" select="student/ethnicity"/></xsl:call-template>
          <xsl:call-template name="opt"><xsl:with-param name="name" select="'quoctich'"/><xsl:with-param name="value" select="student/nationality"/></xsl:call-template>
          <xsl:call-template name="opt"><xsl:with-param name="name" select="'hotencha'"/><xsl:with-param name="value" select="student/father_name"/></xsl:call-template>
          <xsl:call-template name="opt"><xsl:with-param name="name" select="'hotenme'"/><xsl:with-param name="value" select="student/mother_name"/></xsl:call-template>
          <xsl:call-template name="opt"><xsl:with-param name="name" select="'hotennguoigiamho'"/><xsl:with-param name="value" select="student/guardian_name"/></xsl:call-template>
        </TTHocSinh>
        <xsl:call-template name="class"/>
        <DSMonHoc>
          <xsl:for-each select="subjects/item">
            <MonHoc>
              <mamonhoc><xsl:value-of select="code"/></mamonhoc>
              <tenmonhoc><xsl:value-of select="name"/></tenmonhoc>
              <xsl:call-template name="opt"><xsl:with-param name="name" select="'giaovienbomon'"/><xsl:with-param name="value" select="teacher"/></xsl:call-template>
              <xsl:call-template name="levels"><xsl:with-param name="node" select="levels"/><xsl:with-param name="tag" select="'MucDat'"/></xsl:call-template>
              <xsl:call-template name="scores"><xsl:with-param name="node" select="scores"/></xsl:call-template>
              <xsl:call-template name="opt"><xsl:with-param name="name" select="'nhanxet'"/><xsl:with-param name="value" select="comment"/></xsl:call-template>
            </MonHoc>
          </xsl:for-each>
        </DSMonHoc>
        <DSPhamChatNangLuc>
          <xsl:for-each select="competencies/item">
            <PhamChatNangLuc>
              <ma><xsl:value-of select="code"/></ma>
              <ten><xsl:value-of select="name"/></ten>
              <loai>
                <xsl:choose>
                  <xsl:when test="kind = 'quality'">PC</xsl:when>
                  <xsl:when test="kind = 'general'">NLC</xsl:when>
                  <xsl:when test="kind = 'specific'">NLDT</xsl:when>
                  <xsl:otherwise><xsl:value-of select="kind"/></xsl:otherwise>
                </xsl:choose>
              </loai>
              <xsl:call-template name="levels"><xsl:with-param name="node" select="levels"/><xsl:with-param name="tag" select="'MucDat'"/></xsl:call-template>
              <xsl:call-template name="opt"><xsl:with-param name="name" select="'nhanxet'"/><xsl:with-param name="value" select="comment"/></xsl:call-template>
            </PhamChatNangLuc>
          </xsl:for-each>
        </DSPhamChatNangLuc>
        <KetQuaGiaoDuc>
          <xsl:call-template name="result"><xsl:with-param name="name" select="'ketquacuoinam'"/><xsl:with-param name="value" select="result"/></xsl:call-template>
          <xsl:call-template name="result"><xsl:with-param name="name" select="'ketquadanhgiabosung'"/><xsl:with-param name="value" select="reassessment_result"/></xsl:call-template>
          <xsl:call-template name="result"><xsl:with-param name="name" select="'ketquachinhthuc'"/><xsl:with-param name="value" select="final_result"/></xsl:call-template>
          <xsl:call-template name="flag"><xsl:with-param name="name" select="'dahthanhctrinhlophoc'"/><xsl:with-param name="value" select="completed_grade"/></xsl:call-template>
          <xsl:call-template name="flag"><xsl:with-param name="name" select="'dahthanhctrinhtieuhoc'"/><xsl:with-param name="value" select="completed_primary"/></xsl:call-template>
          <xsl:call-template name="flag"><xsl:with-param name="name" select="'duoclenlop'"/><xsl:with-param name="value" select="promoted"/></xsl:call-template>
          <xsl:choose>
            <xsl:when test="commendation = 'xuat_sac'"><khenthuong>HSXS</khenthuong></xsl:when>
            <xsl:when test="commendation = 'tieu_bieu'"><khenthuong>HSTB</khenthuong></xsl:when>
          </xsl:choose>
          <xsl:call-template name="opt"><xsl:with-param name="name" select="'noidungkhenthuong'"/><xsl:with-param name="value" select="commendation_note"/></xsl:call-template>
          <xsl:call-template name="opt"><xsl:with-param name="name" select="'nhanxetgvcn'"/><xsl:with-param name="value" select="homeroom_comment"/></xsl:call-template>
        </KetQuaGiaoDuc>
        <DSBangTongHop>
          <xsl:for-each select="subject_sheets/item">
            <BangTongHop>
              <mamonhoc><xsl:value-of select="subject"/></mamonhoc>
              <madinhdanhbangtonghop><xsl:value-of select="document_id"/></madinhdanhbangtonghop>
              <mabamsnapshot><xsl:value-of select="sha256"/></mabamsnapshot>
            </BangTongHop>
          </xsl:for-each>
        </DSBangTongHop>
        <xsl:call-template name="closing"/>
        <xsl:call-template name="opt"><xsl:with-param name="name" select="'chucvugiamhieu'"/><xsl:with-param name="value" select="signers/item[role = 'principal'][1]/title"/></xsl:call-template>
        <xsl:call-template name="signers"/>
      </DLHocBa>
      <xsl:call-template name="slots"/>
    </HocBaSo>
  </xsl:template>

  <!-- ============================================================ class subject sheet -->
  <xsl:template match="/snapshot[kind = 'subject_sheet']">
    <BangTongHopMonHoc>
      <DLBangTongHop Id="DLBangTongHop">
        <xsl:call-template name="common">
          <xsl:with-param name="kind" select="'BTHMON'"/>
          <xsl:with-param name="id-tag" select="'madinhdanhbangtonghop'"/>
        </xsl:call-template>
        <xsl:call-template name="class"/>
        <MonHoc>
          <mamonhoc><xsl:value-of select="subject/code"/></mamonhoc>
          <tenmonhoc><xsl:value-of select="subject/name"/></tenmonhoc>
        </MonHoc>
        <xsl:call-template name="opt"><xsl:with-param name="name" select="'giaovienbomon'"/><xsl:with-param name="value" select="teacher"/></xsl:call-template>
        <DSHocSinh>
          <xsl:for-each select="rows/item">
            <HocSinh>
              <mahocsinh><xsl:value-of select="student_code"/></mahocsinh>
              <xsl:call-template name="opt"><xsl:with-param name="name" select="'madinhdanh'"/><xsl:with-param name="value" select="personal_id"/></xsl:call-template>
              <hovaten><xsl:value-of select="full_name"/></hovaten>
              <xsl:call-template name="levels"><xsl:with-param name="node" select="levels"/><xsl:with-param name="tag" select="'MucDat'"/></xsl:call-template>
              <xsl:call-template name="scores"><xsl:with-param name="node" select="scores"/></xsl:call-template>
              <xsl:call-template name="opt"><xsl:with-param name="name" select="'nhanxet'"/><xsl:with-param name="value" select="comment"/></xsl:call-template>
            </HocSinh>
          </xsl:for-each>
        </DSHocSinh>
        <xsl:call-template name="closing"/>
        <xsl:call-template name="signers"/>
      </DLBangTongHop>
      <xsl:call-template name="slots"/>
    </BangTongHopMonHoc>
  </xsl:template>

  <xsl:template match="/snapshot" priority="-1">
    <xsl:message terminate="yes">unknown document kind <xsl:value-of select="kind"/></xsl:message>
  </xsl:template>
</xsl:stylesheet>
