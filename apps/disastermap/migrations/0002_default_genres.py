from django.db import migrations


def add_genres(apps, schema_editor):
    from apps.disastermap.genres import DEFAULT_GENRES

    Genre = apps.get_model("disastermap", "Genre")
    for order, (code, name, name_en, symbol) in enumerate(DEFAULT_GENRES):
        Genre.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "symbol": symbol, "sort_order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("disastermap", "0001_initial")]
    operations = [migrations.RunPython(add_genres, migrations.RunPython.noop)]
