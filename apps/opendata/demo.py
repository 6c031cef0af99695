"""Demo open data: the live datasets' records, and one uploaded CSV with a second version.

Idempotent: the uploaded dataset is created once (by its slug).
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.models import Department
from apps.opendata.models import Dataset, Organisation
from apps.opendata.services.live import sync_live_catalogue

SLUG = "population-by-district"
CSV_V1 = "地区コード,地区名,世帯数,人口\r\n01,中央,1520,3210\r\n02,旭町,980,2105\r\n03,桜ヶ丘,1730,4020\r\n"
CSV_V2 = CSV_V1 + "04,緑町,860,1890\r\n"


def seed(demo) -> None:
    from apps.opendata.services.catalogue import add_upload, create_dataset, upload_version

    sync_live_catalogue()
    if Dataset.objects.filter(slug=SLUG).exists():
        return
    department = Department.objects.filter(code="citizen-affairs").first()
    organisation = Organisation.objects.filter(code="citizen-affairs").first() or Organisation.objects.create(
        code="citizen-affairs", name=department.name if department else "市民課",
        name_en=department.name_en if department else "Citizen Affairs Division",
        department=department if department and not hasattr(department, "opendata_organisation") else None)
    staff = demo.users.get("city_staff")
    if staff is None:  # accounts' demo makes the clerk; without one there is nobody to publish
        return
    dataset = create_dataset(
        user=staff, slug=SLUG, organisation=organisation, tags=["人口", "統計", "population"],
        title="地区別人口・世帯数", title_en="Population and households by district",
        description="住民基本台帳による地区別の人口と世帯数（毎月1日現在）。",
        description_en="Population and households per district from the resident register (1st of each month).",
        theme="administration", update_frequency="monthly", spatial="桜川市", contact_name="市民課",
    )
    resource = add_upload(user=staff, dataset=dataset, name="地区別人口（CSV）", name_en="Population by district (CSV)",
                          upload=SimpleUploadedFile("population.csv", CSV_V1.encode("cp932")))
    upload_version(user=staff, resource=resource, note="緑町を追加",
                   upload=SimpleUploadedFile("population.csv", CSV_V2.encode("utf-8")))
